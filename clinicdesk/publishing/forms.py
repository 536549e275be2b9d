"""Organizer forms of the publishing app. They only bind and clean what was typed; the
services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clinicdesk.publishing.models import ListSender, MailingList, WikiTarget
from clinicdesk.scheduling.models import ClinicSession
from clinicdesk.scheduling.timetext import describe_undated


class WikiTargetForm(forms.ModelForm[WikiTarget]):
    # The services check the address, with a message for people; Django's URL check would
    # refuse a wiki on a loopback or intranet host.
    api_url = forms.CharField(
        label=WikiTarget._meta.get_field("api_url").verbose_name,
        help_text=WikiTarget._meta.get_field("api_url").help_text,
        max_length=300,
    )

    class Meta:
        model = WikiTarget
        fields = [
            "name",
            "api_url",
            "credentials_name",
            "language",
            "program_page_title",
            "digest_title_pattern",
            "edit_summary",
            "mark_bot",
            "mark_minor",
            "max_lag_seconds",
            "republish_on_change",
            "is_active",
        ]

    def _post_clean(self) -> None:
        """Model validation is the service's job (it knows the program)."""


class MailingListForm(forms.ModelForm[MailingList]):
    class Meta:
        model = MailingList
        fields = [
            "name",
            "address",
            "language",
            "announces_digests",
            "sends_reminders",
            "reminder_minutes",
            "is_active",
        ]

    def _post_clean(self) -> None:
        """Model validation is the service's job (it knows the program)."""


class ListSenderForm(forms.ModelForm[ListSender]):
    class Meta:
        model = ListSender
        fields = ["name", "address"]

    def _post_clean(self) -> None:
        """Model validation is the service's job (it knows the program)."""


class SessionChoice(forms.ModelMultipleChoiceField[ClinicSession]):
    def label_from_instance(self, obj: ClinicSession) -> str:
        if obj.starts_at is not None:
            return f"{obj.display_title} — {obj.starts_at:%Y-%m-%d %H:%M} UTC"
        if obj.start_date is not None:
            return f"{obj.display_title} — {obj.start_date:%Y-%m-%d}"
        return f"{obj.display_title} — {describe_undated(obj.date_precision, obj.start_month)}"


class AnnouncementForm(forms.Form):
    sessions = SessionChoice(
        label=_("Calls to announce"),
        queryset=ClinicSession.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    lists = forms.ModelMultipleChoiceField(
        label=_("Mailing lists"),
        queryset=MailingList.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    intro = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Your own words before the calls, e.g. “Dear Wikimedians, …”. An empty line "
            "separates paragraphs."
        ),
    )

    def __init__(self, *args: Any, sessions: Any, lists: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sessions"].queryset = sessions  # type: ignore[attr-defined]
        self.fields["lists"].queryset = lists  # type: ignore[attr-defined]
