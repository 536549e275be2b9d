"""Organizer forms: they parse and check what a person typed; the services do the writing.

Plain forms rather than model forms: a model form copies its data onto the instance while it
validates, and the services decide what changed by comparing against that instance.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from babel.dates import get_day_names
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from clinicdesk.lib.languages import babel_locale, is_language
from clinicdesk.lib.tz import Fold, get_zone, is_zone, to_utc, wall_time_kind
from clinicdesk.scheduling.cadence import WeeklySlot
from clinicdesk.scheduling.models import ClinicSession, Person, Program, RotationSlot
from clinicdesk.scheduling.services import MAX_REPEAT

_LIST_SEPARATORS = re.compile(r"[\s,;]+")
_ENGLISH_WEEKDAYS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")

MAX_SESSION_NUMBER = 99_999
ZONE_INPUT_ATTRS = {"list": "zone-names", "autocomplete": "off", "spellcheck": "false"}


def _zone_error(name: str) -> ValidationError:
    return ValidationError(
        _("“%(zone)s” is not a known time zone (for example Europe/Madrid).") % {"zone": name},
        code="unknown_zone",
    )


# --- Fields -------------------------------------------------------------------------------------


class LanguageCodesField(forms.Field):
    """Language codes separated by commas or spaces: "en, es" -> ["en", "es"]."""

    widget = forms.TextInput

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        codes = [code for code in _LIST_SEPARATORS.split(str(value).strip()) if code]
        return list(dict.fromkeys(codes))

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        bad = [code for code in value if not is_language(code)]
        if bad:
            raise ValidationError(
                [
                    _("“%(code)s” is not a language code (for example en, es, ar).")
                    % {"code": code}
                    for code in bad
                ],
                code="unknown_language",
            )


class ZoneNamesField(forms.Field):
    """IANA zone names, one per line."""

    widget = forms.Textarea(attrs={"rows": 5, "spellcheck": "false"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        names = [line.strip() for line in str(value).splitlines() if line.strip()]
        return list(dict.fromkeys(names))

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        errors = [_zone_error(name) for name in value if not is_zone(name)]
        if errors:
            raise ValidationError(errors)


_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


class MonthField(forms.Field):
    """A month typed as 2025-01 (what ``<input type="month">`` sends); its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2025-01"})
    default_error_messages = {
        "invalid": gettext_lazy("Give the month as year and month, e.g. 2025-01."),
    }

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return f"{value:%Y-%m}"
        return value

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value.replace(day=1)
        match = _MONTH.fullmatch(str(value).strip())
        if not match or not 1 <= int(match[2]) <= 12 or not 1 <= int(match[1]) <= 9999:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return dt.date(int(match[1]), int(match[2]), 1)


class ZoneField(forms.CharField):
    """One IANA zone name, typed (a datalist may suggest names, but is never needed)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("widget", forms.TextInput(attrs=ZONE_INPUT_ATTRS))
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not is_zone(value):
            raise _zone_error(value)


def _weekday_names() -> dict[str, int]:
    """Weekday names a person may type: English and the page's language, full or short."""
    names: dict[str, int] = {}
    for index, name in enumerate(_ENGLISH_WEEKDAYS):
        names[name] = index
        names[name[:3]] = index
    locale = babel_locale(get_language() or "en")
    for width in ("wide", "abbreviated"):
        for index, name in get_day_names(width, locale=locale).items():
            names.setdefault(str(name).casefold().rstrip("."), index)
    return names


def local_weekday_name(weekday: int) -> str:
    return str(get_day_names("wide", locale=babel_locale(get_language() or "en"))[weekday])


def format_slot(slot: WeeklySlot, *, localized: bool = True) -> str:
    """``Monday 17:30 UTC``, the form :class:`WeeklySlotsField` reads back."""
    day = local_weekday_name(slot.weekday) if localized else _ENGLISH_WEEKDAYS[slot.weekday]
    if not localized:
        day = day.capitalize()
    return f"{day} {slot.time:%H:%M} {slot.zone}"


def parse_slot(text: str) -> WeeklySlot:
    """Reads "Monday 17:30 UTC"; raises ValidationError saying what is wrong."""
    parts = text.strip().rsplit(maxsplit=2)
    if len(parts) != 3:
        raise ValidationError(
            _("write a weekday, a time and a time zone, e.g. “Monday 17:30 UTC”."),
            code="slot_format",
        )
    day, clock, zone = parts
    weekday = _weekday_names().get(day.casefold().rstrip("."))
    if weekday is None:
        raise ValidationError(_("“%(day)s” is not a weekday.") % {"day": day}, code="weekday")
    match = _CLOCK.fullmatch(clock)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValidationError(
            _("“%(time)s” is not a time of day like 17:30.") % {"time": clock}, code="time"
        )
    if not is_zone(zone):
        raise _zone_error(zone)
    return WeeklySlot(weekday, dt.time(int(match[1]), int(match[2])), zone)


class WeeklySlotsField(forms.Field):
    """Weekly slots, one per line (or separated by semicolons): "Wednesday 08:00 Europe/Madrid"."""

    widget = forms.Textarea(attrs={"rows": 4, "spellcheck": "false"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(format_slot(slot) for slot in value)
        return value

    def to_python(self, value: Any) -> list[WeeklySlot]:
        if not value:
            return []
        lines = [line.strip() for line in re.split(r"[\n;]", str(value))]
        slots: list[WeeklySlot] = []
        errors: list[ValidationError] = []
        for number, line in enumerate((line for line in lines if line), start=1):
            try:
                slots.append(parse_slot(line))
            except ValidationError as problem:
                errors.extend(
                    ValidationError(
                        _("Slot %(number)d (“%(line)s”): %(problem)s")
                        % {"number": number, "line": line, "problem": message},
                        code="slot",
                    )
                    for message in problem.messages
                )
        if errors:
            raise ValidationError(errors)
        return slots


if TYPE_CHECKING:
    _PersonChoiceField = forms.ModelMultipleChoiceField[Person]
else:  # Django's field classes are not subscriptable at run time.
    _PersonChoiceField = forms.ModelMultipleChoiceField


class HostChoiceField(_PersonChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        person = obj
        details = [str(person.get_role_display())]
        if person.affiliation:
            details.append(person.affiliation)
        return f"{person} — {', '.join(details)}"


# --- Programs -----------------------------------------------------------------------------------


class ProgramForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    slug = forms.SlugField(
        label=gettext_lazy("Short name in addresses"),
        max_length=80,
        help_text=gettext_lazy("Letters, digits and hyphens, e.g. wikimedia-clinics."),
    )
    purpose = forms.CharField(label=gettext_lazy("Purpose"), required=False, widget=forms.Textarea)
    conduct = forms.CharField(
        label=gettext_lazy("Expected conduct"),
        required=False,
        widget=forms.Textarea,
        help_text=gettext_lazy("What attendees are expected to do, e.g. a Friendly space text."),
    )
    default_languages = LanguageCodesField(
        label=gettext_lazy("Default languages"),
        required=False,
        help_text=gettext_lazy("Language codes separated by commas or spaces, e.g. “en, es”."),
    )
    community_zones = ZoneNamesField(
        label=gettext_lazy("Community cities"),
        required=False,
        help_text=gettext_lazy(
            "Time zones of the community's cities, one per line, e.g. Europe/Madrid. "
            "They are shown in the world clock of each session."
        ),
    )
    wiki_page_prefix = forms.CharField(
        label=gettext_lazy("Wiki page prefix"), max_length=200, required=False
    )
    session_title_pattern = forms.CharField(
        label=gettext_lazy("Session title pattern"),
        max_length=200,
        initial="{program} #{number}",
        help_text=gettext_lazy(
            "How a session without a title of its own is named; may use {program} and {number}."
        ),
    )
    default_duration_minutes = forms.IntegerField(
        label=gettext_lazy("Default length (minutes)"), min_value=1, max_value=24 * 60, initial=90
    )
    cadence_days = forms.IntegerField(
        label=gettext_lazy("Minimum days between calls"),
        min_value=1,
        max_value=365,
        initial=7,
        help_text=gettext_lazy(
            "Repeating a session takes the next slot of the rotation at least this many days "
            "after the previous call."
        ),
    )

    @classmethod
    def initial_for(cls, program: Program) -> dict[str, Any]:
        return {name: getattr(program, name) for name in cls.base_fields}


class RotationSlotForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=gettext_lazy("Weekday"),
        choices=[("", "—"), *RotationSlot._meta.get_field("weekday").choices],  # type: ignore[misc]
        coerce=int,
    )
    local_time = forms.TimeField(
        label=pgettext_lazy("time of day", "Time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    time_zone = ZoneField(label=gettext_lazy("Time zone"))

    def slot(self) -> WeeklySlot:
        data = self.cleaned_data
        return WeeklySlot(data["weekday"], data["local_time"], data["time_zone"])


RotationFormSet = forms.formset_factory(RotationSlotForm, extra=2, can_delete=True)


def rotation_slots(formset: forms.BaseFormSet[RotationSlotForm]) -> list[WeeklySlot]:
    """The slots of a valid rotation formset, in order, leaving out blank and removed rows."""
    return [
        form.slot()
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


# --- Sessions -----------------------------------------------------------------------------------


class SessionForm(forms.Form):
    # Bounded well inside every database's integer column, so a typo is a message, not an error.
    number = forms.IntegerField(
        label=pgettext_lazy("session number", "Number"),
        min_value=1,
        max_value=MAX_SESSION_NUMBER,
        required=False,
    )
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Leave empty to name the session by the program's title pattern."),
    )
    kind = forms.ChoiceField(
        label=pgettext_lazy("kind of session", "Kind"), choices=ClinicSession.Kind.choices
    )
    start_date = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy(
            "Leave empty when only the month is known or the date is to be discussed."
        ),
    )
    date_precision = forms.ChoiceField(
        label=gettext_lazy("Date known"),
        choices=ClinicSession.DatePrecision.choices,
        initial=ClinicSession.DatePrecision.DAY,
        required=False,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Without a date, the session is listed under its month, or as “date to be discussed”."
        ),
    )
    start_month = MonthField(
        label=gettext_lazy("Month"),
        required=False,
        help_text=gettext_lazy(
            "When only the month is known (or expected while the date is discussed), e.g. 2025-01."
        ),
    )
    start_time = forms.TimeField(
        label=gettext_lazy("Local start time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy("Wall-clock time in the time zone below; empty when not known."),
    )
    time_zone = ZoneField(
        label=gettext_lazy("Time zone"),
        initial="UTC",
        help_text=gettext_lazy(
            "An IANA time zone name, e.g. UTC, Europe/Madrid, America/Mexico_City."
        ),
    )
    fold = forms.TypedChoiceField(
        label=gettext_lazy("If this time happens twice (when daylight saving ends), which one?"),
        choices=[
            ("", gettext_lazy("It does not happen twice")),
            (str(int(Fold.FIRST)), gettext_lazy("The first time, before the clocks go back")),
            (str(int(Fold.SECOND)), gettext_lazy("The second time, after the clocks go back")),
        ],
        coerce=lambda value: Fold(int(value)),
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Length (minutes)"), min_value=1, max_value=24 * 60
    )
    spoken_languages = LanguageCodesField(
        label=gettext_lazy("Spoken languages"),
        required=False,
        help_text=gettext_lazy("Language codes separated by commas or spaces, e.g. “es, en”."),
    )
    interpretation_languages = LanguageCodesField(
        label=gettext_lazy("Interpretation offered into"),
        required=False,
        help_text=gettext_lazy(
            "Language codes, e.g. “ar fr”; empty when there is no interpretation."
        ),
    )
    meeting_url = forms.URLField(
        label=gettext_lazy("Meeting link"), max_length=500, required=False, assume_scheme="https"
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=ClinicSession.Status.choices)

    def __init__(self, *args: Any, numbered: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if numbered:
            self.fields["number"].required = True
        else:
            self.fields["number"].help_text = gettext_lazy("Leave empty for the next free number.")

    @classmethod
    def initial_for_program(cls, program: Program) -> dict[str, Any]:
        return {
            "kind": ClinicSession.Kind.CLINIC,
            "status": ClinicSession.Status.PLANNED,
            "time_zone": "UTC",
            "duration_minutes": program.default_duration_minutes,
            "spoken_languages": program.default_languages,
        }

    @classmethod
    def initial_for(cls, session: ClinicSession) -> dict[str, Any]:
        initial = {name: getattr(session, name) for name in cls.base_fields if name != "fold"}
        initial["fold"] = fold_of(session)
        return initial

    def service_values(self) -> tuple[dict[str, Any], Fold | None]:
        """The session fields to hand to the services, and the chosen reading of a fold."""
        values = dict(self.cleaned_data)
        fold = values.pop("fold", None)
        if values.get("start_date") is not None:
            # A date says it all: a month left over from before is dropped (a precision other
            # than "on a date" is refused by the service, keyed to the date).
            values["date_precision"] = values.get("date_precision") or "day"
            values["start_month"] = None
        elif not values.get("date_precision") or (
            values["date_precision"] == ClinicSession.DatePrecision.DAY
        ):
            values["date_precision"] = (
                ClinicSession.DatePrecision.MONTH
                if values.get("start_month")
                else ClinicSession.DatePrecision.DISCUSSED
            )
        return values, fold


def fold_of(session: ClinicSession) -> Fold | None:
    """Which reading of a repeated wall time a saved session starts at, or None."""
    if session.starts_at is None or session.start_date is None or session.start_time is None:
        return None
    wall = dt.datetime.combine(session.start_date, session.start_time)
    try:
        get_zone(session.time_zone)
        if wall_time_kind(wall, session.time_zone) != "fold":
            return None
    except ValueError:
        return None
    first = to_utc(wall, session.time_zone, fold=Fold.FIRST)
    return Fold.FIRST if first == session.starts_at else Fold.SECOND


# --- Segments, hosts and people -----------------------------------------------------------------


class SegmentForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    presenter = forms.CharField(label=gettext_lazy("Presenter"), max_length=200, required=False)
    start_offset_minutes = forms.IntegerField(
        label=gettext_lazy("Starts after (minutes)"),
        min_value=0,
        max_value=24 * 60,
        initial=0,
        help_text=gettext_lazy("Minutes after the start of the session."),
    )
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Length (minutes)"), min_value=1, max_value=24 * 60, initial=30
    )
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, widget=forms.Textarea)

    @classmethod
    def initial_for(cls, segment: Any) -> dict[str, Any]:
        return {name: getattr(segment, name) for name in cls.base_fields}


class HostsForm(forms.Form):
    hosts = HostChoiceField(
        label=gettext_lazy("Hosts"),
        queryset=Person.objects.order_by("name", "pk"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Every call needs at least two staff members among its hosts."),
    )


class PersonForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    affiliation = forms.CharField(
        label=gettext_lazy("Affiliation"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("e.g. Wikimedia Mexico"),
    )
    organization = forms.CharField(
        label=gettext_lazy("Organization tag"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("Short tag shown after a staff member's name, e.g. WMF."),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=Person.Role.choices, initial=Person.Role.STAFF
    )


# --- Repeating a session ------------------------------------------------------------------------


class RepeatForm(forms.Form):
    count = forms.IntegerField(
        label=gettext_lazy("How many sessions"), min_value=1, max_value=MAX_REPEAT, initial=4
    )
    slots = WeeklySlotsField(
        label=gettext_lazy("Weekly slots"),
        required=False,
        help_text=gettext_lazy(
            "One per line, e.g. “Monday 17:30 UTC” or “Wednesday 08:00 Europe/Madrid”. "
            "The sessions alternate between them in this order. Empty: the program's rotation."
        ),
    )
    min_gap_days = forms.IntegerField(
        label=gettext_lazy("Minimum days between calls"), min_value=1, max_value=365
    )

    def confirmation_values(self, slots: list[WeeklySlot]) -> dict[str, str]:
        """The checked input, written back so that a confirmation posts exactly what was shown."""
        data = self.cleaned_data
        return {
            "count": str(data["count"]),
            "slots": "; ".join(format_slot(slot, localized=False) for slot in slots),
            "min_gap_days": str(data["min_gap_days"]),
        }
