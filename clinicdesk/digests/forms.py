"""Editor, follow-up, import and search forms: they parse and check what a person typed; the
services do the writing."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from clinicdesk.digests.importers import AUTO, RENDERED, WIKITEXT
from clinicdesk.digests.models import AttributionLevel, Digest, FollowUp, Item, Resource, Topic
from clinicdesk.digests.queries import staff_people
from clinicdesk.lib.languages import is_language, language_name
from clinicdesk.scheduling.models import ClinicSession, Person, Program, Segment

if TYPE_CHECKING:
    _PersonField = forms.ModelChoiceField[Person]
    _SegmentField = forms.ModelChoiceField[Segment]
else:  # Django's field classes are not subscriptable at run time.
    _PersonField = forms.ModelChoiceField
    _SegmentField = forms.ModelChoiceField

MAX_IMPORT_BYTES = 2 * 1024 * 1024
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?"
_TIME_RANGE = re.compile(rf"^\s*(?P<start>{_CLOCK})\s*(?:[-\u2013]\s*(?P<end>{_CLOCK}))?\s*$")


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared so
    field.choices = choices


def _set_queryset(form: forms.Form, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared so
    field.queryset = queryset


def _seconds(clock: str) -> int:
    total = 0
    for part in clock.split(":"):
        total = total * 60 + int(part)
    return total


def parse_time_range(text: str) -> tuple[int | None, int | None]:
    """ "5:30-6:15" -> (330, 375); "" -> (None, None). Raises ValidationError."""
    if not text.strip():
        return None, None
    match = _TIME_RANGE.match(text)
    if match is None:
        raise ValidationError(
            _("Write a time in the recording, or a range, like 5:30 or 5:30-6:15."),
            code="time_range",
        )
    start = _seconds(match["start"])
    end = _seconds(match["end"]) if match["end"] else None
    if any(int(part) > 59 for part in re.findall(r":(\d+)", text)):
        raise ValidationError(_("Minutes and seconds go up to 59."), code="time_range")
    if end is not None and end <= start:
        raise ValidationError(
            _("A time range ends after it starts, e.g. 5:30-6:15."), code="time_range"
        )
    return start, end


def format_time_range(start: int | None, end: int | None) -> str:
    def clock(seconds: int) -> str:
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"

    if start is None:
        return ""
    return clock(start) if end is None else f"{clock(start)}-{clock(end)}"


def language_choices(*preferred: str) -> list[tuple[str, str]]:
    """The site's languages, and any other given, named in the reader's language."""
    here = get_language() or "en"
    codes = [*preferred, *(code for code, _name in settings.LANGUAGES)]
    return [(code, language_name(code, here)) for code in dict.fromkeys(codes) if code]


class LanguageCodeField(forms.CharField):
    """A language code such as en, es, pt-BR."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 8, "list": "language-codes"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        code = str(super().clean(value) or "").strip()
        if code and not is_language(code):
            raise ValidationError(
                _("“%(code)s” is not a language code (for example en, es, ar).") % {"code": code},
                code="unknown_language",
            )
        return code


class DigestCreateForm(forms.Form):
    language = LanguageCodeField(
        label=gettext_lazy("Language of the digest"),
        help_text=gettext_lazy("A language code, e.g. en, es, fr."),
    )


class TranslateForm(forms.Form):
    language = LanguageCodeField(label=gettext_lazy("Translate into"))


class LinkForm(forms.Form):
    source = forms.ChoiceField(label=gettext_lazy("This version translates"))

    def __init__(self, *args: Any, versions: list[Digest], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        here = get_language() or "en"
        _set_choices(
            self,
            "source",
            [(str(version.pk), language_name(version.language, here)) for version in versions],
        )


class HeaderForm(forms.Form):
    lead = forms.CharField(
        label=gettext_lazy("Lead"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Shown after the header, e.g. “Except for the introduction, the topics are "
            "brought up by volunteers participating in the calls.”"
        ),
    )
    staff_count = forms.IntegerField(
        label=gettext_lazy("Staff present"), required=False, min_value=0, max_value=100_000
    )
    volunteer_count = forms.IntegerField(
        label=gettext_lazy("Volunteers present"), required=False, min_value=0, max_value=100_000
    )
    staff_organization = forms.CharField(
        label=gettext_lazy("Staff of"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Whose staff the headcount counts, e.g. Wikimedia Foundation."),
    )

    @staticmethod
    def initial_for(digest: Digest) -> dict[str, Any]:
        return {
            "lead": digest.lead,
            "staff_count": digest.staff_count,
            "volunteer_count": digest.volunteer_count,
            "staff_organization": digest.staff_organization,
        }


class TopicForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=Topic.Kind.choices, initial=Topic.Kind.PARTICIPANTS
    )
    segment = _SegmentField(
        label=gettext_lazy("Scheduled segment"), queryset=Segment.objects.none(), required=False
    )
    body = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "Paragraphs, lists (“* ”) and subheadings (“### ”); *emphasis*, [links](https://…)."
        ),
    )

    def __init__(
        self, *args: Any, session: ClinicSession, translating: bool = False, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "segment", session.segments.order_by("start_offset_minutes", "pk"))
        if translating:
            # A translation writes the text; what kind of topic it is comes from the source.
            del self.fields["kind"]
            del self.fields["segment"]

    @staticmethod
    def initial_for(topic: Topic) -> dict[str, Any]:
        return {
            "title": topic.title,
            "kind": topic.kind,
            "segment": topic.segment,
            "body": topic.body,
        }


class _PersonChoice(_PersonField):
    def label_from_instance(self, obj: Person) -> str:
        if obj.role == Person.Role.STAFF:
            return str(obj)
        consent = Person.Attribution(obj.attribution_consent).label
        affiliation = f", {obj.affiliation}" if obj.affiliation else ""
        return f"{obj.name}{affiliation} ({consent})"


class ItemForm(forms.Form):
    """One item; the follow-up and resource fields count only for those kinds."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Item.Kind.choices)
    speaker = _PersonChoice(
        label=gettext_lazy("Speaker"),
        queryset=Person.objects.order_by("name"),
        required=False,
        help_text=gettext_lazy("Named as far as they agreed, never further."),
    )
    speaker_label = forms.CharField(
        label=gettext_lazy("Or a speaker not in the list"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Kept as written, e.g. “a volunteer from Spain”."),
    )
    speaker_level = forms.ChoiceField(
        label=gettext_lazy("Name the speaker"),
        required=False,
        choices=[("", gettext_lazy("as far as they agreed")), *AttributionLevel.choices],
    )
    text = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("*emphasis*, **strong**, [links](https://…)."),
    )
    # Follow-ups
    owner = _PersonChoice(
        label=gettext_lazy("Owner (staff)"), queryset=Person.objects.none(), required=False
    )
    due_date = forms.DateField(
        label=gettext_lazy("Due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    status = forms.ChoiceField(
        label=pgettext_lazy("follow-up", "Status"),
        choices=FollowUp.Status.choices,
        initial=FollowUp.Status.OPEN,
        required=False,
    )
    resolution = forms.CharField(
        label=gettext_lazy("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    requester = _PersonChoice(
        label=gettext_lazy("Requested by"), queryset=Person.objects.order_by("name"), required=False
    )
    requester_label = forms.CharField(
        label=gettext_lazy("Or requested by (as written)"), required=False, max_length=200
    )
    # Resources
    resource_kind = forms.ChoiceField(
        label=gettext_lazy("Kind of resource"), choices=Resource.Kind.choices, required=False
    )
    resource_url = forms.CharField(label=gettext_lazy("Address"), required=False, max_length=500)
    resource_title = forms.CharField(label=gettext_lazy("Title"), required=False, max_length=300)
    resource_language = LanguageCodeField(label=gettext_lazy("Language"), required=False)
    time_range = forms.CharField(
        label=gettext_lazy("Time in the recording"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("e.g. 5:30-6:15"),
    )

    FOLLOW_UP_FIELDS = ("owner", "due_date", "status", "resolution", "requester", "requester_label")
    RESOURCE_FIELDS = (
        "resource_kind",
        "resource_url",
        "resource_title",
        "resource_language",
        "time_range",
    )

    def __init__(self, *args: Any, translating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "owner", staff_people())
        self.translating = translating
        if translating:
            # A translation writes the text; the rest is the source's.
            for name in list(self.fields):
                if name != "text":
                    del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.translating:
            return data
        try:
            data["start_seconds"], data["end_seconds"] = parse_time_range(
                data.get("time_range") or ""
            )
        except ValidationError as error:
            self.add_error("time_range", error)
        return data

    def service_values(self) -> dict[str, Any]:
        """Keyword arguments for add_item / update_item."""
        data = self.cleaned_data
        if self.translating:
            return {"text": data["text"]}
        values: dict[str, Any] = {
            "text": data["text"],
            "speaker": data["speaker"],
            "speaker_label": data["speaker_label"],
            "speaker_level": data["speaker_level"],
        }
        kind = data["kind"]
        if kind == Item.Kind.FOLLOW_UP:
            values["follow_up"] = {
                "owner": data["owner"],
                "due_date": data["due_date"],
                "status": data["status"] or FollowUp.Status.OPEN,
                "resolution": data["resolution"],
                "requester": data["requester"],
                "requester_label": data["requester_label"],
                "requester_level": "",
            }
        if kind == Item.Kind.RESOURCE:
            values["resource"] = {
                "kind": data["resource_kind"],
                "url": data["resource_url"],
                "title": data["resource_title"],
                "language": data["resource_language"],
                "start_seconds": data.get("start_seconds"),
                "end_seconds": data.get("end_seconds"),
            }
        return values

    @staticmethod
    def initial_for(item: Item) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "kind": item.kind,
            "speaker": item.speaker,
            "speaker_label": item.speaker_label,
            "speaker_level": item.speaker_level,
            "text": item.text,
        }
        if item.follow_up is not None:
            follow_up = item.follow_up
            initial.update(
                owner=follow_up.owner,
                due_date=follow_up.due_date,
                status=follow_up.status,
                resolution=follow_up.resolution,
                requester=follow_up.requester,
                requester_label=follow_up.requester_label,
            )
        if item.resource is not None:
            resource = item.resource
            initial.update(
                resource_kind=resource.kind,
                resource_url=resource.url,
                resource_title=resource.title,
                resource_language=resource.language,
                time_range=format_time_range(resource.start_seconds, resource.end_seconds),
            )
        return initial


class FollowUpForm(forms.Form):
    owner = _PersonChoice(label=gettext_lazy("Owner (staff)"), queryset=Person.objects.none())
    status = forms.ChoiceField(
        label=pgettext_lazy("follow-up", "Status"), choices=FollowUp.Status.choices
    )
    due_date = forms.DateField(
        label=gettext_lazy("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    resolution = forms.CharField(
        label=gettext_lazy("Resolution"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("How it was resolved, or why it was dropped."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "owner", staff_people())

    @staticmethod
    def initial_for(follow_up: FollowUp) -> dict[str, Any]:
        return {
            "owner": follow_up.owner,
            "status": follow_up.status,
            "due_date": follow_up.due_date,
            "resolution": follow_up.resolution,
        }


class ReminderAddressForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-mail for reminders"),
        required=False,
        help_text=gettext_lazy("Leave empty to stop the reminders."),
    )


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Resource.Kind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    url = forms.CharField(label=gettext_lazy("Address"), max_length=500)
    language = LanguageCodeField(label=gettext_lazy("Language"), required=False)
    segment = _SegmentField(
        label=gettext_lazy("Scheduled segment"),
        queryset=Segment.objects.none(),
        required=False,
        help_text=gettext_lazy("Leave empty for the whole session."),
    )
    time_range = forms.CharField(
        label=gettext_lazy("Time in the recording"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("e.g. 5:30-6:15"),
    )

    def __init__(self, *args: Any, session: ClinicSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "segment", session.segments.order_by("start_offset_minutes", "pk"))

    def clean_time_range(self) -> tuple[int | None, int | None]:
        return parse_time_range(self.cleaned_data.get("time_range") or "")

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        start, end = data["time_range"]
        return {
            "kind": data["kind"],
            "title": data["title"],
            "url": data["url"],
            "language": data["language"],
            "segment": data["segment"],
            "start_seconds": start,
            "end_seconds": end,
        }


class ImportForm(forms.Form):
    session = forms.TypedChoiceField(
        label=gettext_lazy("Session"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=gettext_lazy("Leave empty to take it from the text (“Wikimedia Clinic #006”)."),
    )
    language = LanguageCodeField(
        label=gettext_lazy("Language"),
        required=False,
        help_text=gettext_lazy("Leave empty to take it from the text."),
    )
    source_format = forms.ChoiceField(
        label=gettext_lazy("The text is"),
        choices=[
            (AUTO, gettext_lazy("guess")),
            (RENDERED, gettext_lazy("the text of a wiki page, as a browser shows it")),
            (WIKITEXT, gettext_lazy("wikitext")),
        ],
        initial=AUTO,
        required=False,
    )
    text = forms.CharField(
        label=gettext_lazy("Digest"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    file = forms.FileField(label=gettext_lazy("Or a text file"), required=False)
    replace = forms.BooleanField(
        label=gettext_lazy("Replace the version already written in this language"),
        required=False,
    )
    confirm = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Save these as follow-ups"), coerce=int, required=False, choices=[]
    )

    def __init__(self, *args: Any, program: Program, proposals: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sessions = program.sessions.order_by("-number")
        _set_choices(
            self,
            "session",
            [("", "—")] + [(str(s.number), s.display_title) for s in sessions],
        )
        _set_choices(self, "confirm", [(str(n), str(n)) for n in range(1, proposals + 1)])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["source_format"] = data.get("source_format") or AUTO
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_IMPORT_BYTES:
                self.add_error("file", _("A digest file has at most 2 MB."))
                return data
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", _("The file is not UTF-8 text."))
                return data
        if not (data.get("text") or "").strip():
            self.add_error("text", _("Paste a digest or choose a file."))
        return data


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search the digests"), required=False, max_length=300)
    program = forms.ChoiceField(label=gettext_lazy("Program"), required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, programs: list[Program] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if programs is None:
            del self.fields["program"]
        else:
            _set_choices(
                self,
                "program",
                [("", _("all programs"))] + [(p.slug, p.name) for p in programs],
            )
        _set_choices(self, "language", [("", _("all languages")), *language_choices()])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the range comes after its start."))
        return data
