"""Forms: they parse and check what a person typed; the services do the writing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from clinicdesk.consultations import regions
from clinicdesk.consultations.models import Consultation, InitiativeGroup
from clinicdesk.consultations.queries import GroupView
from clinicdesk.consultations.services import ConsultationTimes, NewCommunity, Priority
from clinicdesk.lib.formats import describe_date
from clinicdesk.lib.languages import language_name
from clinicdesk.scheduling.forms import LanguageCodesField, ZoneField
from clinicdesk.scheduling.models import ClinicSession
from clinicdesk.scheduling.timetext import describe_undated

NEW_COMMUNITY = "new"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
_TOKEN = re.compile(r"([A-Za-z0-9_-]{32})/?$")


def initiative_choices(groups: Sequence[GroupView], empty: str) -> list[Any]:
    """Initiatives for a select, under their group's name, as the ranking page shows them."""
    choices: list[Any] = [("", empty)]
    for group in groups:
        items = [(str(i.id), i.label) for i in group.initiatives]
        if not items:
            continue
        heading = f"{group.code} {group.name}".strip() or _("Other initiatives")
        choices.append((heading, items))
    return choices


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared so on the form
    return field


class _RankingForm(forms.Form):
    """Numbered selects: ``choice_1`` is the first choice. Empty places are skipped, so a
    person may leave a gap without being told off; the order they gave is kept."""

    width = 0

    def add_choice_fields(
        self, groups: Sequence[GroupView], width: int, *, comments: bool = False
    ) -> None:
        choices = initiative_choices(groups, _("— no choice —"))
        for place in range(1, width + 1):
            self.fields[f"choice_{place}"] = forms.ChoiceField(
                label=_("Choice %(place)d") % {"place": place},
                choices=choices,
                required=False,
            )
            if comments:
                self.fields[f"comment_{place}"] = forms.CharField(
                    label=_("Why choice %(place)d matters to your community") % {"place": place},
                    required=False,
                    max_length=1000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
        self.width = width

    def choice_rows(self) -> list[tuple[forms.BoundField, forms.BoundField | None]]:
        rows = []
        for place in range(1, self.width + 1):
            comment = self[f"comment_{place}"] if f"comment_{place}" in self.fields else None
            rows.append((self[f"choice_{place}"], comment))
        return rows

    def ranking(self) -> list[tuple[int, str]]:
        """(initiative id, comment) in the order given, empty places left out."""
        picked = []
        for place in range(1, self.width + 1):
            value = self.cleaned_data.get(f"choice_{place}")
            if value:
                picked.append((int(value), self.cleaned_data.get(f"comment_{place}", "")))
        return picked


# --- Public: ranking and submissions --------------------------------------------------------------


class BallotForm(_RankingForm):
    def __init__(self, *args: Any, groups: Sequence[GroupView], width: int, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.add_choice_fields(groups, width)

    def choices(self) -> list[int]:
        return [initiative for initiative, _comment in self.ranking()]


class BallotLinkForm(forms.Form):
    link = forms.CharField(
        label=gettext_lazy("Your private link"),
        max_length=500,
        help_text=gettext_lazy(
            "The link in the e-mail that confirmed your registration for one of the events."
        ),
    )

    def clean_link(self) -> str:
        match = _TOKEN.search(self.cleaned_data["link"].strip())
        if match is None:
            raise ValidationError(
                _("This is not a private link from a registration e-mail: paste the whole link.")
            )
        return match[1]


def community_choices(communities: Sequence[Any], language: str) -> list[Any]:
    by_region: dict[str, list[tuple[str, str]]] = {}
    for community in communities:
        by_region.setdefault(community.region, []).append((str(community.pk), community.name))
    choices: list[Any] = [("", _("— choose your community —"))]
    for code in regions.REGIONS:
        if code in by_region:
            choices.append((regions.region_name(code), by_region[code]))
    choices.append((NEW_COMMUNITY, _("My community is not listed")))
    return choices


def country_choices(language: str) -> list[tuple[str, str]]:
    return [("", _("— none: it works across countries —")), *regions.sorted_countries(language)]


def region_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((code, str(name)) for code, name in regions.REGIONS.items())]


class SubmissionForm(_RankingForm):
    community = forms.ChoiceField(label=gettext_lazy("Community or affiliate"))
    new_community_name = forms.CharField(
        label=gettext_lazy("Name of the community, if it is not listed"),
        required=False,
        max_length=200,
    )
    new_community_country = forms.ChoiceField(label=gettext_lazy("Its country"), required=False)
    new_community_region = forms.ChoiceField(
        label=gettext_lazy("Its region, if it works across countries"), required=False
    )
    contact_name = forms.CharField(label=gettext_lazy("Contact person"), max_length=200)
    contact_email = forms.EmailField(
        label=gettext_lazy("Contact e-mail"),
        max_length=254,
        help_text=gettext_lazy("Seen only by the organizers, to ask about the submission."),
    )
    consent = forms.BooleanField(
        label=gettext_lazy(
            "The name of our community, its priorities and its comments may be published "
            "(in the table, the map and the raw data)."
        )
    )

    def __init__(
        self,
        *args: Any,
        groups: Sequence[GroupView],
        width: int,
        communities: Sequence[Any],
        language: str,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        _choice_field(self, "community").choices = community_choices(communities, language)
        _choice_field(self, "new_community_country").choices = country_choices(language)
        _choice_field(self, "new_community_region").choices = region_choices()
        self.add_choice_fields(groups, width, comments=True)

    def clean_community(self) -> str:
        return str(self.cleaned_data["community"])

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values: dict[str, Any] = {
            "contact_name": data["contact_name"],
            "contact_email": data["contact_email"],
            "priorities": [Priority(i, comment) for i, comment in self.ranking()],
        }
        if data["community"] == NEW_COMMUNITY:
            values["new_community"] = NewCommunity(
                name=data.get("new_community_name", ""),
                country=data.get("new_community_country", ""),
                region=data.get("new_community_region", ""),
            )
        else:
            values["community_id"] = int(data["community"])
        return values


# --- Organizers -----------------------------------------------------------------------------------


if TYPE_CHECKING:
    _SessionChoiceField = forms.ModelMultipleChoiceField[ClinicSession]
    _GroupChoiceField = forms.ModelChoiceField[InitiativeGroup]
else:  # Django's field classes are not subscriptable at run time.
    _SessionChoiceField = forms.ModelMultipleChoiceField
    _GroupChoiceField = forms.ModelChoiceField


class EventChoiceField(_SessionChoiceField):
    def label_from_instance(self, obj: ClinicSession) -> str:
        language = get_language() or "en"
        when = (
            describe_date(obj.start_date, language, form="medium")
            if obj.start_date
            else describe_undated(obj.date_precision, obj.start_month, language)
        )
        return f"{obj.label} {obj.display_title} ({when})"


class GroupChoiceField(_GroupChoiceField):
    def label_from_instance(self, obj: InitiativeGroup) -> str:
        return f"{obj.code} {obj.texts.get(next(iter(obj.texts), ''), {}).get('name', '')}"


class ConsultationForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    slug = forms.SlugField(
        label=gettext_lazy("Short name in addresses"),
        max_length=80,
        help_text=gettext_lazy("Letters, digits and hyphens, e.g. priorities-2021."),
    )
    question = forms.CharField(
        label=gettext_lazy("Question"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("What participants are asked."),
    )
    about = forms.CharField(
        label=gettext_lazy("About this consultation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    languages = LanguageCodesField(
        label=gettext_lazy("Languages of the texts"),
        help_text=gettext_lazy(
            "Language codes, the first one first: every initiative is written in it, the others "
            "are translations. For example “en, es, fr, ar, zh, de, ru, id”."
        ),
    )
    method = forms.ChoiceField(
        label=gettext_lazy("Method that combines the rankings"),
        choices=Consultation.Method.choices,
    )
    max_choices = forms.IntegerField(
        label=gettext_lazy("Choices per ballot, at most"), min_value=1, max_value=20, initial=5
    )
    suppression_threshold = forms.IntegerField(
        label=gettext_lazy("Smallest count published"),
        min_value=2,
        max_value=100,
        initial=5,
        help_text=gettext_lazy(
            "Counts below this are never published, in any breakdown or in the raw data."
        ),
    )
    sessions = EventChoiceField(
        label=gettext_lazy("Events where ranking happens"),
        queryset=ClinicSession.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "People registered for these events may rank; their registration form asks for "
            "their needs (interpretation, data package, childcare)."
        ),
    )
    time_zone = ZoneField(
        label=gettext_lazy("Time zone of the times below"),
        help_text=gettext_lazy(
            "An IANA name, e.g. UTC or Europe/Madrid. Every time is shown naming it."
        ),
    )
    submissions_opens_on = forms.DateField(
        label=gettext_lazy("Submissions open on"), required=False, widget=DATE
    )
    submissions_opens_time = forms.TimeField(
        label=pgettext_lazy("time of day", "at"), required=False, widget=TIME
    )
    submissions_closes_on = forms.DateField(
        label=gettext_lazy("Submissions close on"), required=False, widget=DATE
    )
    submissions_closes_time = forms.TimeField(
        label=pgettext_lazy("time of day", "at"), required=False, widget=TIME
    )
    ranking_opens_on = forms.DateField(
        label=gettext_lazy("Ranking opens on"), required=False, widget=DATE
    )
    ranking_opens_time = forms.TimeField(
        label=pgettext_lazy("time of day", "at"), required=False, widget=TIME
    )
    ranking_closes_on = forms.DateField(
        label=gettext_lazy("Ranking closes on"), required=False, widget=DATE
    )
    ranking_closes_time = forms.TimeField(
        label=pgettext_lazy("time of day", "at"), required=False, widget=TIME
    )

    TIME_FIELDS = (
        "submissions_opens_on",
        "submissions_opens_time",
        "submissions_closes_on",
        "submissions_closes_time",
        "ranking_opens_on",
        "ranking_opens_time",
        "ranking_closes_on",
        "ranking_closes_time",
    )

    def __init__(self, *args: Any, program: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["sessions"].queryset = program.sessions.order_by(  # type: ignore[attr-defined]
            "starts_at", "start_date", "number"
        )

    @classmethod
    def initial_for(cls, consultation: Consultation) -> dict[str, Any]:
        initial = {
            name: getattr(consultation, name)
            for name in cls.base_fields
            if name not in {"sessions"}
        }
        initial["sessions"] = list(consultation.sessions.values_list("pk", flat=True))
        return initial

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        times = ConsultationTimes(
            time_zone=data.pop("time_zone"), **{name: data.pop(name) for name in self.TIME_FIELDS}
        )
        return {**data, "sessions": list(data.pop("sessions")), "times": times}


def _text_fields(
    form: forms.Form, languages: Sequence[str], keys: Sequence[tuple[str, Any, bool]]
) -> None:
    for code in languages:
        name = language_name(code, code)
        for key, label, long in keys:
            form.fields[f"{key}_{code}"] = forms.CharField(
                label=f"{label} ({name})",
                required=False,
                max_length=2000 if long else 300,
                widget=forms.Textarea(attrs={"rows": 2, "lang": code})
                if long
                else forms.TextInput(attrs={"lang": code}),
            )


def _texts(
    form: forms.Form, languages: Sequence[str], keys: Sequence[str]
) -> dict[str, dict[str, str]]:
    return {
        code: {key: form.cleaned_data.get(f"{key}_{code}", "") for key in keys}
        for code in languages
    }


class GroupForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=20)

    def __init__(self, *args: Any, languages: Sequence[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.languages = list(languages)
        _text_fields(self, self.languages, [("name", _("Name"), False)])

    @staticmethod
    def initial_for(group: InitiativeGroup) -> dict[str, Any]:
        initial: dict[str, Any] = {"code": group.code}
        for code, values in group.texts.items():
            initial[f"name_{code}"] = values.get("name", "")
        return initial

    def texts(self) -> dict[str, dict[str, str]]:
        return _texts(self, self.languages, ["name"])


class InitiativeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=20)
    group = GroupChoiceField(
        label=gettext_lazy("Group"), queryset=InitiativeGroup.objects.none(), required=False
    )

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.languages = list(consultation.languages)
        self.fields["group"].queryset = consultation.groups.all()  # type: ignore[attr-defined]
        _text_fields(
            self,
            self.languages,
            [("title", _("Title"), False), ("description", _("Short description"), True)],
        )

    @staticmethod
    def initial_for(initiative: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {"code": initiative.code, "group": initiative.group_id}
        for code, values in initiative.texts.items():
            initial[f"title_{code}"] = values.get("title", "")
            initial[f"description_{code}"] = values.get("description", "")
        return initial

    def texts(self) -> dict[str, dict[str, str]]:
        return _texts(self, self.languages, ["title", "description"])


class ImportInitiativesForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language of these texts"))
    text = forms.CharField(
        label=gettext_lazy("Groups and initiatives"),
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "A group line “# R1 | Name of the group”, then one initiative per line: "
            "“1.1 | Title | Short description”. A code already there gets this text in the "
            "chosen language."
        ),
    )

    def __init__(self, *args: Any, languages: Sequence[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choice_field(self, "language").choices = [(c, language_name(c, c)) for c in languages]


class CommunitiesForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Communities"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "One per line: “Name | country code”, e.g. “Wikimedia Argentina | AR”, or "
            "“Name | international” for one that works across countries."
        ),
    )


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note (seen by organizers only)"), required=False, max_length=1000
    )
