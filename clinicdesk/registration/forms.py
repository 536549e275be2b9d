"""Forms of the registration app: they parse and check what a person typed, in plain words;
the services do the writing (and check again)."""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from clinicdesk.lib.languages import language_name
from clinicdesk.lib.tz import available_zones, is_zone
from clinicdesk.registration import rules, services
from clinicdesk.registration.models import Registration, RegistrationSettings
from clinicdesk.scheduling.models import ClinicSession, Person

ZONE_INPUT_ATTRS = {"autocomplete": "off", "spellcheck": "false", "data-zone-prefill": "1"}
FORM_CACHE_SECONDS = 600


@functools.cache
def _zones_by_city() -> dict[str, str]:
    """ "mexico city" -> "America/Mexico_City": a person may type their city."""
    table: dict[str, str] = {}
    for name in sorted(available_zones()):
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/")):
            table.setdefault(name.rsplit("/", 1)[-1].replace("_", " ").casefold(), name)
    return table


def read_zone(text: str) -> str:
    """A zone name as typed, or a city of the zone database; raises ValidationError."""
    text = text.strip()
    if is_zone(text):
        return text
    found = _zones_by_city().get(" ".join(text.replace("_", " ").split()).casefold())
    if found:
        return found
    raise ValidationError(
        _(
            "“%(zone)s” is not a time zone we know. Type a city such as Lagos, or a zone "
            "such as Europe/Madrid."
        )
        % {"zone": text[:64]},
        code="unknown_zone",
    )


@functools.cache
def _language_label(code: str, here: str) -> str:
    return language_name(code, here)


def _language_choices() -> list[tuple[str, str]]:
    here = get_language() or settings.LANGUAGE_CODE
    return [(code, _language_label(code, here)) for code, _name in settings.LANGUAGES]


class AnswersForm(forms.Form):
    """The answers a registrant gives and may change later with their manage link."""

    name = forms.CharField(
        label=gettext_lazy("Your name"),
        max_length=services.MAX_NAME,
        help_text=gettext_lazy("As you would like organizers to call you."),
    )
    affiliation = forms.CharField(
        label=gettext_lazy("Affiliation (optional)"),
        max_length=services.MAX_AFFILIATION,
        required=False,
        help_text=gettext_lazy("Your community, chapter or user group, e.g. Wikimedia Mexico."),
    )
    home_time_zone = forms.CharField(
        label=gettext_lazy("Your time zone"),
        max_length=64,
        widget=forms.TextInput(attrs=ZONE_INPUT_ATTRS),
        help_text=gettext_lazy(
            "Your city or time zone, e.g. Lagos or Europe/Madrid. Our e-mails give every time "
            "in this zone."
        ),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language for our e-mails"),
        help_text=gettext_lazy("We write to you in this language."),
    )
    interpretation_language = forms.ChoiceField(
        label=gettext_lazy("Interpretation"),
        required=False,
        help_text=gettext_lazy(
            "Live interpretation of the call into one of these languages. Tell us if you need "
            "it, so that we can book the interpreters."
        ),
    )
    needs_data_package = forms.BooleanField(
        label=gettext_lazy("I need an internet data package to join"),
        required=False,
        help_text=gettext_lazy(
            "We can pay for a mobile data top-up for the length of the call, so that cost does "
            "not keep you away."
        ),
    )
    needs_childcare = forms.BooleanField(
        label=gettext_lazy("I need childcare to take part"),
        required=False,
        help_text=gettext_lazy("We can cover childcare for the length of the call."),
    )
    accessibility_notes = forms.CharField(
        label=gettext_lazy("Accessibility (optional)"),
        max_length=services.MAX_NOTES,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Anything that helps you take part: captions, a slower pace, a screen reader, "
            "breaks. Only the organizers read this."
        ),
    )
    attribution = forms.ChoiceField(
        label=gettext_lazy("If you speak, how may the digest name you?"),
        choices=Person.Attribution.choices,
        initial=Person.Attribution.ANONYMOUS,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "The digest is the written summary of the call we publish afterwards. "
            "“By name and affiliation”: Claudia from Wikimedia Mexico. “By affiliation only”: "
            "a volunteer from Wikimedia Mexico. “Anonymously”: a volunteer. You can change "
            "this later."
        ),
    )
    topic = forms.CharField(
        label=gettext_lazy("A topic you would like to raise (optional)"),
        max_length=services.MAX_TOPIC,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "A question or subject for the open time, so that hosts can prepare."
        ),
    )
    email_consent = forms.BooleanField(
        label=gettext_lazy("Send me reminders before the call"),
        required=False,
        help_text=gettext_lazy(
            "We always send your confirmation, your private link, and news of a seat freed "
            "from the waitlist. Tick this to also get reminders before the call."
        ),
    )

    def __init__(
        self, *args: Any, registration_settings: RegistrationSettings, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.registration_settings = registration_settings
        session = registration_settings.session
        here = get_language() or settings.LANGUAGE_CODE
        self._choices("language", _language_choices())
        self.fields["language"].initial = here if here in dict(settings.LANGUAGES) else "en"
        offered = list(session.interpretation_languages)
        if offered:
            self._choices(
                "interpretation_language",
                [
                    ("", _("No interpretation needed")),
                    *((code, _language_label(code, here)) for code in offered),
                ],
            )
        else:
            del self.fields["interpretation_language"]
        if not registration_settings.offers_data_package:
            del self.fields["needs_data_package"]
        if not registration_settings.offers_childcare:
            del self.fields["needs_childcare"]

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = choices

    def clean_home_time_zone(self) -> str:
        return read_zone(self.cleaned_data["home_time_zone"])

    def changes(self) -> dict[str, Any]:
        """The answers, with what the session does not offer left out (stays as it was)."""
        return {
            name: self.cleaned_data[name]
            for name in services.EDITABLE_FIELDS
            if name in self.fields
        }


class RegistrationForm(AnswersForm):
    email = forms.EmailField(
        label=gettext_lazy("Your e-mail address"),
        max_length=services.MAX_EMAIL,
        help_text=gettext_lazy(
            "For your confirmation and your private link to change or cancel. Registering "
            "again with the same address updates your registration."
        ),
    )
    conduct_acknowledged = forms.BooleanField(
        label=gettext_lazy("I have read the expected conduct and will follow it"),
        help_text=gettext_lazy(
            "Every participant agrees to it, so that the call is a friendly space."
        ),
        error_messages={"required": gettext_lazy("Please read and accept the expected conduct.")},
    )

    field_order = [
        "name",
        "email",
        "affiliation",
        "home_time_zone",
        "language",
        "interpretation_language",
        "needs_data_package",
        "needs_childcare",
        "accessibility_notes",
        "attribution",
        "topic",
        "email_consent",
        "conduct_acknowledged",
    ]

    def answers(self) -> services.Answers:
        data = self.changes()
        return services.Answers(
            email=self.cleaned_data["email"],
            conduct_acknowledged=self.cleaned_data["conduct_acknowledged"],
            **data,
        )


def blank_form_fields(
    *, registration_settings: RegistrationSettings, zone: str, show_conduct: bool
) -> SafeString:
    """The fields of an empty registration form, rendered once and kept in the cache.

    Rendering a form is most of the cost of a page that shows one, and an empty form is the
    same for every reader of a session in a language and zone; the CSRF token, the only
    personal part, is outside this fragment. The key moves with the program's content version
    (every change to the program or its sessions) and with the registration settings.
    """
    session = registration_settings.session
    key = "registration-form:" + ":".join(
        str(part)
        for part in (
            session.pk,
            session.program.content_version,
            registration_settings.updated_at.timestamp(),
            get_language() or settings.LANGUAGE_CODE,
            zone,
            int(show_conduct),
        )
    )
    html = cache.get(key)
    if html is None:
        form = RegistrationForm(
            registration_settings=registration_settings, initial={"home_time_zone": zone}
        )
        html = render_to_string(
            "registration/_form_fields.html",
            {"form": form, "program": session.program, "show_conduct": show_conduct},
        )
        cache.set(key, html, FORM_CACHE_SECONDS)
    return SafeString(html)


def attach_error(form: forms.Form, error: ValidationError) -> None:
    """Shows a service's error on the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Organizers -----------------------------------------------------------------------------------


class RegistrationSettingsForm(forms.Form):
    is_open = forms.BooleanField(
        label=gettext_lazy("Registration is open"),
        required=False,
        help_text=gettext_lazy("Untick to stop taking registrations; those already made stay."),
    )
    capacity = forms.IntegerField(
        label=gettext_lazy("Seats"),
        required=False,
        min_value=1,
        max_value=services.MAX_CAPACITY,
        help_text=gettext_lazy(
            "Leave empty for no limit. Past this number, people join the waitlist."
        ),
    )
    time_zone = forms.CharField(
        label=gettext_lazy("Time zone of the opening and the deadline"),
        max_length=64,
        help_text=gettext_lazy(
            "e.g. UTC or Europe/Berlin. Participants see the times in their own zone too."
        ),
    )
    opens_on = forms.DateField(
        label=gettext_lazy("Opens on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Leave empty to open now."),
    )
    opens_time = forms.TimeField(
        label=gettext_lazy("Opens at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=gettext_lazy("Empty: at 00:00."),
    )
    closes_on = forms.DateField(
        label=gettext_lazy("Deadline date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Leave empty to take registrations until the session starts."),
    )
    closes_time = forms.TimeField(
        label=gettext_lazy("Deadline time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=gettext_lazy("Empty: at 23:59."),
    )
    offers_data_package = forms.BooleanField(
        label=gettext_lazy("Offer internet data packages"), required=False
    )
    offers_childcare = forms.BooleanField(label=gettext_lazy("Offer childcare"), required=False)

    def clean_time_zone(self) -> str:
        return read_zone(self.cleaned_data["time_zone"])

    @staticmethod
    def initial_for(session: ClinicSession, row: RegistrationSettings | None) -> dict[str, Any]:
        if row is None:
            return {
                "is_open": True,
                "time_zone": session.time_zone,
                "offers_data_package": True,
                "offers_childcare": True,
            }
        return {
            "is_open": row.is_open,
            "capacity": row.capacity,
            "time_zone": row.time_zone,
            "opens_on": row.opens_on,
            "opens_time": row.opens_time,
            "closes_on": row.closes_on,
            "closes_time": row.closes_time,
            "offers_data_package": row.offers_data_package,
            "offers_childcare": row.offers_childcare,
        }

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "is_open": data["is_open"],
            "capacity": data["capacity"],
            "times": services.WindowTimes(
                time_zone=data["time_zone"],
                opens_on=data["opens_on"],
                opens_time=data["opens_time"],
                closes_on=data["closes_on"],
                closes_time=data["closes_time"],
            ),
            "offers_data_package": data["offers_data_package"],
            "offers_childcare": data["offers_childcare"],
        }


class ProgramSettingsForm(forms.Form):
    reminders = forms.CharField(
        label=gettext_lazy("Reminders before each session"),
        required=False,
        max_length=100,
        help_text=gettext_lazy(
            "Separated by commas, in hours (24h), minutes (30m) or days (2d). Empty: no "
            "reminders. Registrants who asked for reminders get the nearest one due."
        ),
    )
    retention_days = forms.IntegerField(
        label=gettext_lazy("Days to keep registrations after a session"),
        min_value=1,
        max_value=services.MAX_RETENTION_DAYS,
        help_text=gettext_lazy(
            "Then contact details, needs answers and topics are deleted; the counts stay."
        ),
    )

    def clean_reminders(self) -> list[int]:
        try:
            return rules.parse_offsets(self.cleaned_data["reminders"])
        except ValueError as error:
            raise ValidationError(
                _("“%(value)s” is not a time before the session such as 24h or 30m.")
                % {"value": str(error)[:20]}
            ) from None


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("all")), *Registration.Status.choices],
    )
    need = forms.ChoiceField(label=gettext_lazy("Need"), required=False)
    q = forms.CharField(
        label=gettext_lazy("Name, e-mail or affiliation"), required=False, max_length=100
    )

    def __init__(self, *args: Any, session: ClinicSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        here = get_language() or settings.LANGUAGE_CODE
        need = self.fields["need"]
        assert isinstance(need, forms.ChoiceField)  # noqa: S101 - declared above
        need.choices = [
            ("", _("any")),
            ("interpretation", _("any interpretation")),
            *(
                (
                    f"interpretation:{code}",
                    _("interpretation into %(language)s") % {"language": language_name(code, here)},
                )
                for code in session.interpretation_languages
            ),
            ("data_package", _("internet data package")),
            ("childcare", _("childcare")),
            ("accessibility", _("accessibility notes")),
        ]


class WalkInForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=services.MAX_NAME)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Person.Role.choices)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Person.Role.choices)


class HeadcountForm(forms.Form):
    staff = forms.IntegerField(
        label=gettext_lazy("Staff"), required=False, min_value=0, max_value=services.MAX_CAPACITY
    )
    volunteers = forms.IntegerField(
        label=gettext_lazy("Volunteers"),
        required=False,
        min_value=0,
        max_value=services.MAX_CAPACITY,
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("What the token is for"),
        max_length=100,
        help_text=gettext_lazy("e.g. interpreters' spreadsheet"),
    )
