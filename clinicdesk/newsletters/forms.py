"""Forms of the newsletter pages: they parse and check what a person typed; services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy, pgettext_lazy

from clinicdesk.newsletters.models import Issue
from clinicdesk.scheduling.forms import LanguageCodesField, ZoneField


def language_choices() -> list[tuple[str, Any]]:
    return [(code, name) for code, name in settings.LANGUAGES]


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Your e-mail address"), max_length=254)
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the newsletter"), choices=language_choices
    )


class OpportunityForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=gettext_lazy("*emphasis*, **strong** and [links](https://…) may be used."),
    )
    url = forms.URLField(
        label=gettext_lazy("Link"), max_length=500, required=False, assume_scheme="https"
    )
    deadline_date = forms.DateField(
        label=gettext_lazy("Deadline"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    deadline_time = forms.TimeField(
        label=gettext_lazy("Deadline time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy("Empty: the end of the day."),
    )
    time_zone = ZoneField(label=gettext_lazy("Time zone of the deadline"), initial="UTC")
    audience = forms.CharField(
        label=gettext_lazy("Audience or region"), max_length=200, required=False
    )
    languages = LanguageCodesField(label=gettext_lazy("Languages"), required=False)


class IssueForm(forms.Form):
    number = forms.IntegerField(
        label=pgettext_lazy("issue number", "Number"), min_value=1, max_value=100_000
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300, required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=language_choices)
    period_start = forms.DateField(
        label=gettext_lazy("Period from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    period_end = forms.DateField(
        label=gettext_lazy("Period until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    upcoming_until = forms.DateField(
        label=gettext_lazy("Upcoming sessions until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Empty: the three months after the period."),
    )
    issue_date = forms.DateField(
        label=gettext_lazy("Date of the issue"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Empty: the day after the period."),
    )


class IssueTextsForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300, required=False)
    welcome_heading = forms.CharField(
        label=gettext_lazy("Welcome heading"), max_length=300, required=False
    )
    welcome = forms.CharField(
        label=gettext_lazy("Welcome text"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=gettext_lazy("Paragraphs, lists and [links](https://…) may be used."),
    )
    heading_past = forms.CharField(
        label=gettext_lazy("Heading of the past sessions"), max_length=300, required=False
    )
    heading_upcoming = forms.CharField(
        label=gettext_lazy("Heading of the coming sessions"), max_length=300, required=False
    )
    heading_opportunities = forms.CharField(
        label=gettext_lazy("Heading of the opportunities"), max_length=300, required=False
    )
    heading_stories = forms.CharField(
        label=gettext_lazy("Heading of the stories"), max_length=300, required=False
    )
    stories_intro = forms.CharField(
        label=gettext_lazy("Before the stories"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    @classmethod
    def initial_for(cls, issue: Issue) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "title": issue.title,
            "welcome_heading": issue.welcome_heading,
            "welcome": issue.welcome,
            "stories_intro": issue.stories_intro,
        }
        for key in ("past", "upcoming", "opportunities", "stories"):
            initial[f"heading_{key}"] = issue.headings.get(key, "")
        return initial

    def service_values(self, issue: Issue) -> dict[str, Any]:
        data = self.cleaned_data
        headings = dict(issue.headings)
        for key in ("past", "upcoming", "opportunities", "stories"):
            headings[key] = data[f"heading_{key}"]
        return {
            "title": data["title"],
            "welcome_heading": data["welcome_heading"],
            "welcome": data["welcome"],
            "stories_intro": data["stories_intro"],
            "headings": headings,
        }


class NoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Editor's note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class StoryForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    body = forms.CharField(
        label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    images = forms.CharField(
        label=gettext_lazy("Images"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy(
            "One per line: the image's address, a space, then what it shows. Images are "
            "shown from their address, never copied."
        ),
    )

    def clean_images(self) -> list[dict[str, str]]:
        images = []
        for line in self.cleaned_data["images"].splitlines():
            line = line.strip()
            if not line:
                continue
            url, _sep, alt = line.partition(" ")
            images.append({"url": url, "alt": alt.strip()})
        return images

    @staticmethod
    def images_text(images: list[dict[str, str]]) -> str:
        return "\n".join(f"{i['url']} {i.get('alt', '')}".strip() for i in images)


class TranslateForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=language_choices)
