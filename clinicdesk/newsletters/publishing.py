"""The newsletter's wiki pages and list e-mails, through publishing's source registry.

One wiki page per published issue version, titled by the program's pattern
(``NewsletterSettings.wiki_title_pattern``), with previous/next links pointed at this
wiki's own titles; one e-mail per issue to the program's mailing lists, in each list's
language when the issue has a published version in it. Publishing does the rest (claims,
retries, conflicts, the sweep, previews); this module only turns the record into text.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.utils import translation
from django.utils.translation import pgettext_lazy

from clinicdesk.newsletters import queries
from clinicdesk.newsletters.models import Issue, NewsletterSettings
from clinicdesk.newsletters.renderers import render_wikitext
from clinicdesk.publishing import sources
from clinicdesk.publishing.markers import Part
from clinicdesk.publishing.models import ListMessage, WikiTarget
from clinicdesk.scheduling.models import Program

KIND = "newsletter-issue"
PART = "newsletter"
DEFAULT_PATTERN = NewsletterSettings._meta.get_field("wiki_title_pattern").default


def title_pattern(program: Program) -> str:
    row = NewsletterSettings.objects.filter(program=program).first()
    return row.wiki_title_pattern if row is not None else str(DEFAULT_PATTERN)


def wiki_title(program: Program, issue: Issue, target: WikiTarget, pattern: str) -> str:
    """The issue's page title on ``target``: the pattern filled in, with /language added for
    a version in another language than the original when the pattern does not use it."""
    prefix = program.wiki_page_prefix or target.program_page_title or program.name
    title = pattern.format(
        prefix=prefix,
        program=program.name,
        number=issue.number,
        year=issue.issue_date.year,
        language=issue.language,
    )
    if issue.source_id is not None and "{language}" not in pattern:
        title = f"{title}/{issue.language}"
    return title


def _published(program: Program) -> list[Issue]:
    return list(
        Issue.objects.filter(program=program, status=Issue.Status.PUBLISHED)
        .select_related("program", "source")
        .order_by("number", "language")
    )


def issue_wikitext(issue: Issue, target: WikiTarget, pattern: str) -> str:
    program = issue.program
    titles = {
        other.number: wiki_title(program, other, target, pattern)
        for other in _published(program)
        if other.language == issue.language
    }
    with translation.override(issue.language):
        return render_wikitext(queries.issue_document(issue, base=settings.SITE_URL), titles=titles)


class IssueSource(sources.Source):
    kind = KIND
    label = pgettext_lazy("publishing source", "newsletter issue")

    def pages(self, target: WikiTarget) -> Sequence[sources.PageSpec]:
        program = target.program
        pattern = title_pattern(program)
        return [
            sources.PageSpec(
                key=str(issue.pk),
                title=wiki_title(program, issue, target, pattern),
                language=issue.language,
            )
            for issue in _published(program)
        ]

    def parts(self, target: WikiTarget, key: str) -> tuple[Part, ...] | None:
        issue = (
            Issue.objects.select_related("program", "source")
            .filter(pk=int(key) if key.isdigit() else 0, status=Issue.Status.PUBLISHED)
            .first()
        )
        if issue is None or issue.program_id != target.program_id:
            return None
        return (Part(PART, issue_wikitext(issue, target, title_pattern(issue.program))),)

    def stamp(self, target: WikiTarget) -> str:
        # Every newsletter change moves the program's content version; so does a change of
        # the sessions it lists. The pattern is part of the titles.
        version = (
            Program.objects.filter(pk=target.program_id)
            .values_list("content_version", flat=True)
            .first()
        )
        return f"{version}:{title_pattern(target.program)}"

    def compose(self, message: ListMessage) -> sources.MailContent:
        from clinicdesk.newsletters.emails import issue_mail

        issue = Issue.objects.select_related("program").get(pk=int(message.source_key))
        version = (
            Issue.objects.select_related("program", "source")
            .filter(
                program=issue.program_id,
                number=issue.number,
                language=message.mailing_list.language,
                status=Issue.Status.PUBLISHED,
            )
            .first()
        ) or issue
        subject, text, html = issue_mail(version)
        return sources.MailContent(
            subject=subject, text=text, html=html, headers={"Auto-Submitted": "auto-generated"}
        )

    def still_wanted(self, message: ListMessage, now: object) -> bool:
        return Issue.objects.filter(
            pk=int(message.source_key), status=Issue.Status.PUBLISHED
        ).exists()
