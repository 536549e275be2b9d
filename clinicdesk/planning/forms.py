"""Forms of the planner and the poll: they parse what a person typed into the planning core's
plain values; the core and the services do the rest."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal, cast

from babel.dates import get_day_names
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from clinicdesk.lib.languages import babel_locale
from clinicdesk.lib.tz import is_zone
from clinicdesk.planning.core import (
    CELLS_PER_WEEK,
    WORKDAYS,
    HourWindow,
    PlanningError,
    Staff,
)
from clinicdesk.planning.core.hubs import Hub, format_hubs, parse_hubs
from clinicdesk.planning.explain import planning_message
from clinicdesk.planning.sources import SOURCE_LABELS, Source
from clinicdesk.scheduling.forms import WeeklySlotsField, ZoneField

MAX_K = 8
MAX_WEEKS = 52  # one application schedules at most 52 sessions
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ENGLISH_DAYS = DAY_CODES
_DASHES = "-\u2013"  # a hyphen or an en dash
_HOURS = re.compile(rf"(\d{{1,2}}):(\d{{2}})\s*[{_DASHES}]\s*(\d{{1,2}}):(\d{{2}})")


DayWidth = Literal["abbreviated", "narrow", "short", "wide"]


def day_names(width: DayWidth = "wide") -> list[str]:
    names = get_day_names(width, locale=babel_locale(get_language() or "en"))
    return [str(names[i]) for i in range(7)]


def _day_lookup() -> dict[str, int]:
    lookup = {name: i for i, name in enumerate(_ENGLISH_DAYS)}
    widths: tuple[DayWidth, ...] = ("wide", "abbreviated")
    for width in widths:
        for i, name in enumerate(day_names(width)):
            lookup.setdefault(name.casefold().rstrip("."), i)
    return lookup


def _parse_days(text: str) -> frozenset[int]:
    """ "Mon-Fri", "Mon,Wed,Fri", "Sat Sun" -> weekday numbers."""
    lookup = _day_lookup()

    def day(word: str) -> int:
        key = word.strip().casefold().rstrip(".")
        key = key if key in lookup else key[:3]
        if key not in lookup:
            raise ValidationError(_("“%(day)s” is not a weekday.") % {"day": word.strip()})
        return lookup[key]

    days: set[int] = set()
    for part in re.split(r"[\s,]+", text.strip()):
        if not part:
            continue
        if any(dash in part for dash in _DASHES):
            first, last = re.split(f"[{_DASHES}]", part, maxsplit=1)
            a, b = day(first), day(last)
            days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
        else:
            days.add(day(part))
    return frozenset(days)


def _minutes(hours: str, minutes: str) -> int:
    return int(hours) * 60 + int(minutes)


def parse_staff_line(line: str) -> Staff:
    """ "Europe/Madrid 09:00-17:00 Mon-Fri" (the days may be left out: Monday to Friday)."""
    parts = line.split(maxsplit=1)
    zone = parts[0]
    if not is_zone(zone):
        raise ValidationError(
            _("“%(zone)s” is not a known time zone (for example Europe/Madrid).") % {"zone": zone}
        )
    rest = parts[1] if len(parts) > 1 else ""
    match = _HOURS.search(rest)
    if match is None:
        raise ValidationError(_("give the working hours, e.g. “09:00-17:00”."))
    start = _minutes(match[1], match[2])
    end = _minutes(match[3], match[4])
    end = 24 * 60 if end == 0 else end
    hours = HourWindow(start, end)
    if not hours.is_valid():
        raise ValidationError(
            _("%(start)s-%(end)s: the hours must start before they end, within one day.")
            % {"start": f"{match[1]}:{match[2]}", "end": f"{match[3]}:{match[4]}"}
        )
    days_text = (rest[: match.start()] + " " + rest[match.end() :]).strip()
    days = _parse_days(days_text) if days_text else WORKDAYS
    if not days:
        raise ValidationError(_("give at least one working day."))
    return Staff(zone=zone, hours=hours, weekdays=days)


def format_staff(staff: list[Staff]) -> str:
    lines = []
    for person in staff:
        days = sorted(person.weekdays)
        if days == list(range(days[0], days[-1] + 1)) and len(days) > 1:
            day_text = f"{_ENGLISH_DAYS[days[0]].title()}-{_ENGLISH_DAYS[days[-1]].title()}"
        else:
            day_text = ",".join(_ENGLISH_DAYS[d].title() for d in days)
        lines.append(f"{person.zone} {person.hours.label()} {day_text}".replace("-24:00", "-00:00"))
    return "\n".join(lines)


class StaffField(forms.Field):
    """Staff working hours, one person per line."""

    widget = forms.Textarea(attrs={"rows": 4, "spellcheck": "false"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return format_staff(value)
        return value

    def to_python(self, value: Any) -> list[Staff]:
        staff: list[Staff] = []
        errors: list[ValidationError] = []
        lines = [line.strip() for line in str(value or "").splitlines() if line.strip()]
        for number, line in enumerate(lines, start=1):
            try:
                staff.append(parse_staff_line(line))
            except ValidationError as problem:
                errors.extend(
                    ValidationError(
                        _("Line %(number)d (“%(line)s”): %(problem)s")
                        % {"number": number, "line": line[:80], "problem": message}
                    )
                    for message in problem.messages
                )
        if errors:
            raise ValidationError(errors)
        return staff


class HubsField(forms.Field):
    """A declared spread of hubs: "30 % America/Mexico_City", one per line or comma."""

    widget = forms.Textarea(attrs={"rows": 5, "spellcheck": "false"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return format_hubs(value)
        return value

    def to_python(self, value: Any) -> list[Hub]:
        if not str(value or "").strip():
            return []
        try:
            return parse_hubs(str(value))
        except PlanningError as error:
            raise ValidationError(planning_message(error), code=error.code) from None


class PlannerForm(forms.Form):
    source = forms.ChoiceField(label=gettext_lazy("Community"), widget=forms.RadioSelect)
    hubs = HubsField(
        label=gettext_lazy("Declared spread of hubs"),
        required=False,
        help_text=gettext_lazy(
            "One hub per line: its share and its time zone, e.g. “30 % America/Mexico_City”, "
            "optionally with a region in brackets. The shares add up to 100 %."
        ),
    )
    k = forms.IntegerField(
        label=gettext_lazy("Weekly slots in the rotation"),
        min_value=1,
        max_value=MAX_K,
        initial=2,
        help_text=gettext_lazy(
            "For up to three slots the best rotation is proven; beyond, a local search reports "
            "how far from the best it may be."
        ),
    )
    start = forms.DateField(
        label=gettext_lazy("First day of the horizon"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    weeks = forms.IntegerField(
        label=gettext_lazy("Weeks in the horizon"), min_value=1, max_value=MAX_WEEKS, initial=26
    )
    duration = forms.IntegerField(
        label=gettext_lazy("Length of a call (minutes)"), min_value=15, max_value=600
    )
    acceptable_start = forms.TimeField(label=gettext_lazy("Acceptable from"), initial=dt.time(8))
    acceptable_end = forms.TimeField(
        label=gettext_lazy("Acceptable until"),
        initial=dt.time(22),
        help_text=gettext_lazy("In each member's local time; 00:00 as the end means midnight."),
    )
    comfortable_start = forms.TimeField(label=gettext_lazy("Comfortable from"), initial=dt.time(9))
    comfortable_end = forms.TimeField(label=gettext_lazy("Comfortable until"), initial=dt.time(20))
    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Days calls may fall on, in each member's local time"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=list(range(7)),
    )
    staff = StaffField(
        label=gettext_lazy("Staff working hours"),
        required=False,
        help_text=gettext_lazy(
            "One staff member per line: time zone, hours and days, e.g. “Europe/Madrid "
            "09:00-17:00 Mon-Fri”. Leave empty not to check staffing."
        ),
    )
    min_staff = forms.IntegerField(
        label=gettext_lazy("Staff needed on every call"), min_value=1, max_value=10, initial=2
    )
    anchor_zone = ZoneField(
        label=gettext_lazy("Time zone of the slots"),
        initial="UTC",
        help_text=gettext_lazy(
            "Slots keep their time in this zone through daylight-saving changes; members' "
            "local times move around them."
        ),
    )

    def __init__(self, *args: Any, sizes: dict[Source, int | None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = []
        for source, label in SOURCE_LABELS.items():
            size = sizes.get(source)
            if size is None:
                text = _("%(source)s (not recorded)") % {"source": label}
            else:
                text = _("%(source)s (%(count)d)") % {"source": label, "count": size}
            choices.append((source.value, text))
        cast(forms.ChoiceField, self.fields["source"]).choices = choices
        cast(forms.ChoiceField, self.fields["weekdays"]).choices = list(enumerate(day_names()))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("source") == Source.HUBS and not data.get("hubs") and "hubs" not in self.errors:
            self.add_error("hubs", _("Give the spread of hubs to plan for."))
        for start, end, label in (
            ("acceptable_start", "acceptable_end", _("acceptable hours")),
            ("comfortable_start", "comfortable_end", _("comfortable hours")),
        ):
            if start in data and end in data:
                window = HourWindow.of(data[start], data[end])
                if not window.is_valid():
                    self.add_error(
                        end, _("The %(what)s must end after they start.") % {"what": label}
                    )
        return data

    def window(self, kind: str) -> HourWindow:
        return HourWindow.of(self.cleaned_data[f"{kind}_start"], self.cleaned_data[f"{kind}_end"])


class ApplyForm(forms.Form):
    slots = WeeklySlotsField(label=gettext_lazy("Weekly slots"))
    start = forms.DateField(label=gettext_lazy("First day of the horizon"))
    weeks = forms.IntegerField(
        label=gettext_lazy("Weeks in the horizon"), min_value=1, max_value=MAX_WEEKS
    )


class PollAnswerForm(forms.Form):
    time_zone = ZoneField(
        label=gettext_lazy("Your time zone"),
        help_text=gettext_lazy("The hours below are in this time zone."),
    )
    cells = forms.TypedMultipleChoiceField(
        label=gettext_lazy("The hours you can attend"),
        coerce=int,
        choices=[(i, str(i)) for i in range(CELLS_PER_WEEK)],
        widget=forms.MultipleHiddenInput,
        error_messages={"required": gettext_lazy("Mark at least one half-hour you can attend.")},
    )
