"""Every write to opportunities, newsletter issues, their items and stories, and subscriptions.

Keyword-only functions that validate, own their transaction and raise ``ValidationError``
keyed by field with a message for a person. Side effects are listed in each docstring.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from clinicdesk.lib.languages import is_language, language_name
from clinicdesk.lib.tz import TimeProblem, get_zone, to_utc
from clinicdesk.newsletters.models import (
    Issue,
    IssueItem,
    Opportunity,
    Story,
    Subscription,
    UnsubscribeLink,
)
from clinicdesk.registration import tokens
from clinicdesk.scheduling.models import ClinicSession, Program
from clinicdesk.scheduling.services import touch_program
from clinicdesk.scheduling.timetext import describe_time_problem

MAX_TEXT = 20_000
MAX_IMAGES = 12
Section = IssueItem.Section
Precision = ClinicSession.DatePrecision


# --- Checks -------------------------------------------------------------------------------------


def _check_language(code: str, field: str = "language") -> str:
    code = (code or "").strip()
    if not is_language(code):
        raise ValidationError(
            {
                field: _("“%(code)s” is not a language code (for example en, es, ar).")
                % {"code": code}
            }
        )
    return code


def _check_text(text: str, field: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise ValidationError({field: _("This cannot be empty.")})
    if len(text) > limit:
        raise ValidationError(
            {field: _("A text has at most %(count)d characters.") % {"count": limit}}
        )
    return text


def _check_url(url: str, field: str = "url", *, required: bool = False) -> str:
    url = (url or "").strip()
    if not url and not required:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(
            {field: _("Give a full web address starting with https:// or http://.")}
        ) from None
    return url


def _check_images(images: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    cleaned = []
    for image in images:
        url = _check_url(str(image.get("url", "")), "images", required=True)
        cleaned.append({"url": url, "alt": " ".join(str(image.get("alt", "")).split())[:300]})
    if len(cleaned) > MAX_IMAGES:
        raise ValidationError(
            {"images": _("A story shows at most %(count)d images.") % {"count": MAX_IMAGES}}
        )
    return cleaned


def _changed(issue: Issue) -> None:
    touch_program(issue.program_id)


# --- Opportunities ------------------------------------------------------------------------------


def deadline_instant(day: dt.date, time: dt.time | None, zone: str) -> dt.datetime:
    """The UTC instant a deadline falls at: the time given, else the end of that day."""
    try:
        get_zone(zone)
        if time is None:
            return to_utc(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()), zone)
        return to_utc(dt.datetime.combine(day, time), zone)
    except TimeProblem as problem:
        field = "time_zone" if time is None else "deadline_time"
        raise ValidationError({field: describe_time_problem(problem)}) from None


_OPPORTUNITY_FIELDS = frozenset(
    {
        "title",
        "description",
        "url",
        "deadline_date",
        "deadline_time",
        "time_zone",
        "audience",
        "languages",
    }
)


def _opportunity_values(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - _OPPORTUNITY_FIELDS
    if unknown:
        raise TypeError(f"unknown opportunity fields: {sorted(unknown)}")
    if "title" in values:
        values["title"] = _check_text(values["title"], "title", required=True, limit=300)
    if "description" in values:
        values["description"] = _check_text(values["description"], "description")
    if "url" in values:
        values["url"] = _check_url(values["url"])
    if "audience" in values:
        values["audience"] = _check_text(values["audience"], "audience", limit=200)
    if "languages" in values:
        values["languages"] = list(
            dict.fromkeys(_check_language(code, "languages") for code in values["languages"])
        )
    return values


def create_opportunity(
    *,
    program: Program,
    title: str,
    deadline_date: dt.date,
    time_zone: str = "UTC",
    deadline_time: dt.time | None = None,
    allow_past: bool = False,
    now: dt.datetime | None = None,
    **fields: Any,
) -> Opportunity:
    """Adds an opportunity, listed by issues dated before its deadline.

    A deadline already passed is refused (an import of an old issue passes ``allow_past``).
    Side effect: the program's public pages are rebuilt.
    """
    values = _opportunity_values({"title": title, **fields})
    deadline_at = deadline_instant(deadline_date, deadline_time, time_zone)
    if not allow_past and deadline_at <= (now or timezone.now()):
        raise ValidationError(
            {"deadline_date": _("This deadline has passed: give one still to come.")}
        )
    opportunity = Opportunity(
        program=program,
        deadline_date=deadline_date,
        deadline_time=deadline_time,
        time_zone=time_zone,
        deadline_at=deadline_at,
        **values,
    )
    with transaction.atomic():
        opportunity.save()
        touch_program(program.pk)
    return opportunity


def update_opportunity(*, opportunity: Opportunity, **changes: Any) -> Opportunity:
    """Changes an opportunity. Side effect: the program's public pages are rebuilt."""
    values = _opportunity_values(dict(changes))
    day = values.get("deadline_date", opportunity.deadline_date)
    time = values.get("deadline_time", opportunity.deadline_time)
    zone = values.get("time_zone", opportunity.time_zone)
    values["deadline_at"] = deadline_instant(day, time, zone)
    for key, value in values.items():
        setattr(opportunity, key, value)
    with transaction.atomic():
        opportunity.save(update_fields=[*values, "updated_at"])
        touch_program(opportunity.program_id)
    return opportunity


def delete_opportunity(*, opportunity: Opportunity) -> None:
    """Removes an opportunity (and its place in every issue). Side effect: pages rebuilt."""
    program_id = opportunity.program_id
    with transaction.atomic():
        opportunity.delete()
        touch_program(program_id)


# --- Issues -------------------------------------------------------------------------------------


def _month_end(day: dt.date) -> dt.date:
    following = day.replace(day=28) + dt.timedelta(days=4)
    return following.replace(day=1) - dt.timedelta(days=1)


def _check_period(
    period_start: dt.date, period_end: dt.date, upcoming_until: dt.date, issue_date: dt.date
) -> None:
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    if upcoming_until <= period_end:
        raise ValidationError(
            {
                "upcoming_until": _(
                    "Upcoming sessions are listed after the period: choose a later day."
                )
            }
        )
    if issue_date < period_start:
        raise ValidationError({"issue_date": _("An issue is dated after its period starts.")})


def create_issue(
    *,
    program: Program,
    number: int,
    period_start: dt.date,
    period_end: dt.date,
    language: str = "en",
    upcoming_until: dt.date | None = None,
    issue_date: dt.date | None = None,
    title: str = "",
    also_programs: Sequence[Program] = (),
) -> Issue:
    """A new draft issue; compile it to fill its sections.

    Upcoming sessions default to the three months after the period, the issue's date to the
    day after it. Side effects: none public until it is published.
    """
    language = _check_language(language)
    if number < 1:
        raise ValidationError({"number": _("An issue number is 1 or more.")})
    if upcoming_until is None:
        month = period_end
        for _month in range(3):
            month = _month_end(month) + dt.timedelta(days=1)
        upcoming_until = _month_end(month)
    if issue_date is None:
        issue_date = period_end + dt.timedelta(days=1)
    _check_period(period_start, period_end, upcoming_until, issue_date)
    if Issue.objects.filter(program=program, number=number, language=language).exists():
        raise ValidationError(
            {
                "number": _("%(program)s already has an issue %(number)d in %(language)s.")
                % {"program": program.name, "number": number, "language": language_name(language)}
            }
        )
    with transaction.atomic():
        issue = Issue.objects.create(
            program=program,
            number=number,
            language=language,
            title=_check_text(title, "title", limit=300),
            period_start=period_start,
            period_end=period_end,
            upcoming_until=upcoming_until,
            issue_date=issue_date,
        )
        if also_programs:
            issue.also_programs.set([p for p in also_programs if p.pk != program.pk])
    return issue


_TEXT_FIELDS = frozenset({"welcome_heading", "welcome", "headings", "stories_intro"})
_ISSUE_FIELDS = frozenset({"title", "period_start", "period_end", "upcoming_until", "issue_date"})
HEADING_KEYS = ("past", "upcoming", "opportunities", "stories", "closing")


def update_issue(*, issue: Issue, **changes: Any) -> Issue:
    """Changes an issue's title, period or written texts (welcome, headings, the words
    before the stories). A change to the texts moves their revision, so translations show
    them outdated.

    Side effect: the program's public pages are rebuilt.
    """
    unknown = set(changes) - _TEXT_FIELDS - _ISSUE_FIELDS
    if unknown:
        raise TypeError(f"unknown issue fields: {sorted(unknown)}")
    values: dict[str, Any] = {}
    for key in ("welcome", "stories_intro"):
        if key in changes:
            values[key] = _check_text(changes[key], key)
    for key in ("welcome_heading", "title"):
        if key in changes:
            values[key] = _check_text(changes[key], key, limit=300)
    if "headings" in changes:
        headings = {
            key: _check_text(str(text), "headings", limit=300)
            for key, text in dict(changes["headings"]).items()
            if key in HEADING_KEYS
        }
        values["headings"] = {key: text for key, text in headings.items() if text}
    for key in _ISSUE_FIELDS - {"title"}:
        if key in changes:
            values[key] = changes[key]
    _check_period(
        values.get("period_start", issue.period_start),
        values.get("period_end", issue.period_end),
        values.get("upcoming_until", issue.upcoming_until),
        values.get("issue_date", issue.issue_date),
    )
    changed = {k: v for k, v in values.items() if getattr(issue, k) != v}
    if not changed:
        return issue
    for key, value in changed.items():
        setattr(issue, key, value)
    update_fields = [*changed, "updated_at"]
    if _TEXT_FIELDS & set(changed):
        issue.text_revision += 1
        update_fields.append("text_revision")
        if issue.source_id is not None:
            # Saving a translation's texts says they now translate the source as it stands.
            issue.text_source_revision = issue.source.text_revision  # type: ignore[union-attr]
            update_fields.append("text_source_revision")
    with transaction.atomic():
        issue.save(update_fields=update_fields)
        _changed(issue)
    return issue


# --- Compiling ----------------------------------------------------------------------------------


@dataclass
class CompileReport:
    added: list[str] = field(default_factory=list)
    kept: int = 0
    removed: list[str] = field(default_factory=list)


def issue_programs(issue: Issue) -> list[Program]:
    return [issue.program, *issue.also_programs.exclude(pk=issue.program_id)]


def reference_instant(issue: Issue) -> dt.datetime:
    """When the issue is read: the start of its date (UTC). Opportunities whose deadline is
    not after it have closed for its readers."""
    return dt.datetime.combine(issue.issue_date, dt.time(), tzinfo=dt.UTC)


def _month_of(session: ClinicSession) -> dt.date | None:
    return session.month


def _past_sessions(issue: Issue, programs: list[Program]) -> list[ClinicSession]:
    dated = Q(start_date__gte=issue.period_start, start_date__lte=issue.period_end)
    month_only = Q(
        start_date__isnull=True,
        date_precision=Precision.MONTH,
        start_month__gte=issue.period_start.replace(day=1),
        start_month__lte=issue.period_end,
    )
    return list(
        ClinicSession.objects.filter(program__in=programs)
        .filter(dated | month_only)
        .exclude(status=ClinicSession.Status.CANCELLED)
        .order_by("start_date", "start_month", "starts_at", "number")
    )


def _upcoming_sessions(issue: Issue, programs: list[Program]) -> list[ClinicSession]:
    after = issue.period_end
    dated = Q(start_date__gt=after, start_date__lte=issue.upcoming_until)
    month_known = Q(
        start_date__isnull=True,
        start_month__gt=after,
        start_month__lte=issue.upcoming_until,
    )
    # A date still to be discussed, with no month in view, is listed until it is settled.
    open_date = Q(start_date__isnull=True, start_month__isnull=True)
    return list(
        ClinicSession.objects.filter(program__in=programs)
        .filter(dated | month_known | open_date)
        .exclude(status__in=[ClinicSession.Status.CANCELLED, ClinicSession.Status.HELD])
        .order_by("start_date", "start_month", "starts_at", "number")
    )


def _open_opportunities(issue: Issue, programs: list[Program]) -> list[Opportunity]:
    return list(
        Opportunity.objects.filter(
            program__in=programs, deadline_at__gt=reference_instant(issue)
        ).order_by("deadline_at", "pk")
    )


def _session_order(session: ClinicSession) -> tuple[dt.date, bool, dt.date, dt.datetime, int]:
    """By month (none last), then those with a date by date and time, then the rest."""
    far = dt.date.max
    return (
        session.month or far,
        session.start_date is None,
        session.start_date or far,
        session.starts_at or dt.datetime.max.replace(tzinfo=dt.UTC),
        session.number,
    )


def _sync(
    issue: Issue,
    wanted: list[tuple[str, ClinicSession | Opportunity]],
    report: CompileReport,
) -> None:
    """Makes the issue's items those of ``wanted`` (section, target), in that order for new
    ones. An item kept keeps its place, visibility and note; one whose session moved from
    upcoming to past moves across with them, at the end of its new section."""

    def key_of(target: ClinicSession | Opportunity) -> tuple[str, int]:
        return ("opportunity" if isinstance(target, Opportunity) else "session", target.pk)

    sections = {key_of(target): section for section, target in wanted}
    rows = list(issue.items.select_related("session", "opportunity"))
    next_position = {section: 0 for section in Section.values}
    for row in rows:
        next_position[row.section] = max(next_position[row.section], row.position + 1)
    existing = {}
    for row in rows:
        key = ("session", row.session_id) if row.session_id else ("opportunity", row.opportunity_id)
        section = sections.get(key)  # type: ignore[arg-type]
        if section is None:
            report.removed.append(str(row.session or row.opportunity))
            row.delete()
            continue
        existing[key] = row
        if section != row.section:
            row.section, row.position = section, next_position[section]
            next_position[section] += 1
            row.save(update_fields=["section", "position"])
        report.kept += 1
    for section, target in wanted:
        if key_of(target) in existing:
            continue
        item = IssueItem(issue=issue, section=section, position=next_position[section])
        if isinstance(target, Opportunity):
            item.opportunity = target
        else:
            item.session = target
        item.save()
        next_position[section] += 1
        report.added.append(str(target))


def compile_issue(*, issue: Issue) -> CompileReport:
    """Fills the issue's sections from the record: the sessions of the period (past), those
    after it until ``upcoming_until`` or with a date still to be discussed (upcoming), and
    the opportunities open on the issue's date. Items the editor moved, hid or annotated
    keep that; items no longer in the record leave; new ones come last in their section.
    Translations of the issue follow, in the source's order and visibility.

    Refused when there is nothing to compile. Side effect: the program's public pages are
    rebuilt.
    """
    source = issue.source or issue
    programs = issue_programs(source)
    past = _past_sessions(source, programs)
    past_ids = {s.pk for s in past}
    upcoming = [s for s in _upcoming_sessions(source, programs) if s.pk not in past_ids]
    opportunities = _open_opportunities(source, programs)
    if not past and not upcoming and not opportunities:
        raise ValidationError(
            _(
                "Nothing to compile: no session from %(start)s to %(end)s, none planned after "
                "it, and no opportunity open on %(date)s."
            )
            % {
                "start": source.period_start.isoformat(),
                "end": source.period_end.isoformat(),
                "date": source.issue_date.isoformat(),
            }
        )
    wanted: list[tuple[str, ClinicSession | Opportunity]] = [
        *((Section.PAST, s) for s in sorted(past, key=_session_order)),
        *((Section.UPCOMING, s) for s in sorted(upcoming, key=_session_order)),
        *((Section.OPPORTUNITY, o) for o in opportunities),
    ]
    report = CompileReport()
    with transaction.atomic():
        for version in [source, *source.translations.all()]:
            version_report = CompileReport() if version.pk != issue.pk else report
            _sync(version, wanted, version_report)
            if version.pk != source.pk:
                _follow_source_order(version, source)
            version.compiled_at = timezone.now()
            version.save(update_fields=["compiled_at", "updated_at"])
        _changed(issue)
    return report


def _follow_source_order(version: Issue, source: Issue) -> None:
    theirs = {(row.section, row.session_id, row.opportunity_id): row for row in source.items.all()}
    for row in version.items.all():
        their = theirs.get((row.section, row.session_id, row.opportunity_id))
        if their is None:
            continue
        if (row.position, row.hidden) != (their.position, their.hidden):
            row.position, row.hidden = their.position, their.hidden
            row.save(update_fields=["position", "hidden"])


# --- The editor's changes to compiled items -----------------------------------------------------


def _siblings(item: IssueItem) -> QuerySet[IssueItem]:
    """The items an item moves among: its section, and for sessions its month."""
    siblings = IssueItem.objects.filter(issue=item.issue_id, section=item.section)
    if item.session is not None:
        month = item.session.month
        ids = [
            row.pk
            for row in siblings.select_related("session")
            if row.session is not None and row.session.month == month
        ]
        siblings = siblings.filter(pk__in=ids)
    return siblings.order_by("position", "pk")


def _copies(item: IssueItem) -> QuerySet[IssueItem]:
    """The same item in the issue's translations."""
    return IssueItem.objects.filter(
        issue__source=item.issue_id,
        section=item.section,
        session=item.session_id,
        opportunity=item.opportunity_id,
    )


def move_item(*, item: IssueItem, direction: str) -> bool:
    """Moves a compiled item one place up or down within its month (or section); the
    translations follow. Returns whether it moved. Side effect: pages rebuilt."""
    if direction not in {"up", "down"}:
        raise ValidationError({"direction": _("Move up or down.")})
    ordered = list(_siblings(item))
    index = next(i for i, row in enumerate(ordered) if row.pk == item.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(ordered):
        return False
    # Renumber the run so that equal positions cannot make a swap a no-op.
    ordered[index], ordered[other_index] = ordered[other_index], ordered[index]
    positions = sorted(row.position for row in ordered)
    if len(set(positions)) != len(positions):
        positions = list(range(positions[0], positions[0] + len(ordered)))
    with transaction.atomic():
        for row, position in zip(ordered, positions, strict=True):
            if row.position != position or row.pk == item.pk:
                row.position, row.edited = position, True
                row.save(update_fields=["position", "edited"])
                _copies(row).update(position=position)
        _changed(item.issue)
    return True


def set_item_hidden(*, item: IssueItem, hidden: bool) -> IssueItem:
    """Hides a compiled item from every output (or shows it again); translations follow.
    Side effect: pages rebuilt."""
    with transaction.atomic():
        item.hidden, item.edited = hidden, True
        item.save(update_fields=["hidden", "edited"])
        _copies(item).update(hidden=hidden)
        _changed(item.issue)
    return item


def annotate_item(*, item: IssueItem, note: str) -> IssueItem:
    """Sets the editor's note shown with a compiled item. In the source its revision moves
    (translations show it outdated); in a translation it is the translated note.

    Side effect: pages rebuilt.
    """
    note = _check_text(note, "note", limit=2000)
    if note == item.note:
        return item
    with transaction.atomic():
        item.note, item.edited = note, True
        item.note_revision += 1
        fields = ["note", "edited", "note_revision"]
        if item.issue.source_id is not None:
            source_item = _source_item(item)
            if source_item is not None:
                item.note_source_revision = source_item.note_revision
                fields.append("note_source_revision")
        item.save(update_fields=fields)
        _changed(item.issue)
    return item


def _source_item(item: IssueItem) -> IssueItem | None:
    if item.issue.source_id is None:
        return None
    return IssueItem.objects.filter(
        issue=item.issue.source_id,
        section=item.section,
        session=item.session_id,
        opportunity=item.opportunity_id,
    ).first()


# --- Stories ------------------------------------------------------------------------------------


def add_story(
    *,
    issue: Issue,
    title: str,
    body: str = "",
    images: Sequence[dict[str, str]] = (),
) -> Story:
    """Adds a story at the end of the issue; translations get an untranslated copy.
    Side effect: pages rebuilt."""
    title = _check_text(title, "title", required=True, limit=300)
    body = _check_text(body, "body")
    cleaned = _check_images(images)
    with transaction.atomic():
        position = (issue.stories.aggregate(highest=Max("position"))["highest"] or -1) + 1
        story = Story.objects.create(
            issue=issue, position=position, title=title, body=body, images=cleaned
        )
        for translation in issue.translations.all():
            Story.objects.create(
                issue=translation,
                position=position,
                title=title,
                body=body,
                images=cleaned,
                source=story,
            )
        _changed(issue)
    return story


def update_story(*, story: Story, **changes: Any) -> Story:
    """Changes a story's title, text, images or visibility. A new text moves its revision
    (translations show it outdated); saving a translation's text marks it translated.
    Side effect: pages rebuilt."""
    allowed = {"title", "body", "images", "hidden"}
    if set(changes) - allowed:
        raise TypeError(f"unknown story fields: {sorted(set(changes) - allowed)}")
    values: dict[str, Any] = {}
    if "title" in changes:
        values["title"] = _check_text(changes["title"], "title", required=True, limit=300)
    if "body" in changes:
        values["body"] = _check_text(changes["body"], "body")
    if "images" in changes:
        values["images"] = _check_images(changes["images"])
    if "hidden" in changes:
        values["hidden"] = bool(changes["hidden"])
    changed = {k: v for k, v in values.items() if getattr(story, k) != v}
    if not changed:
        return story
    for key, value in changed.items():
        setattr(story, key, value)
    fields = list(changed)
    if {"title", "body"} & set(changed):
        story.revision += 1
        fields.append("revision")
        if story.source is not None:
            story.source_revision = story.source.revision
            fields.append("source_revision")
    with transaction.atomic():
        story.save(update_fields=fields)
        if "hidden" in changed or "images" in changed:
            story.copies.update(**{k: v for k, v in changed.items() if k in {"hidden", "images"}})
        _changed(story.issue)
    return story


def delete_story(*, story: Story) -> None:
    """Removes a story and its translations. Side effect: pages rebuilt."""
    issue = story.issue
    with transaction.atomic():
        story.copies.all().delete()
        story.delete()
        _changed(issue)


def move_story(*, story: Story, direction: str) -> bool:
    """Moves a story one place up or down; translations follow."""
    ordered = list(story.issue.stories.order_by("position", "pk"))
    index = next(i for i, row in enumerate(ordered) if row.pk == story.pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in {"up", "down"} or not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    with transaction.atomic():
        for position, row in enumerate(ordered):
            if row.position != position:
                row.position = position
                row.save(update_fields=["position"])
                row.copies.update(position=position)
        _changed(story.issue)
    return True


# --- Translations -------------------------------------------------------------------------------


def start_translation(*, source: Issue, language: str) -> Issue:
    """A draft version of ``source`` in ``language``: its compiled items (same order and
    visibility; notes copied untranslated), its texts and stories copied, each written
    part marked untranslated until an editor saves it.

    Side effects: none public until it is published.
    """
    language = _check_language(language)
    if source.source_id is not None:
        raise ValidationError(
            {"language": _("Translate the original version, not a translation of it.")}
        )
    if language == source.language:
        raise ValidationError(
            {"language": _("A translation is written in another language than its source.")}
        )
    if Issue.objects.filter(
        program=source.program_id, number=source.number, language=language
    ).exists():
        raise ValidationError(
            {
                "language": _("This issue already has a version in %(language)s.")
                % {"language": language_name(language)}
            }
        )
    with transaction.atomic():
        translation = Issue.objects.create(
            program=source.program,
            number=source.number,
            language=language,
            source=source,
            title=source.title,
            period_start=source.period_start,
            period_end=source.period_end,
            upcoming_until=source.upcoming_until,
            issue_date=source.issue_date,
            welcome_heading=source.welcome_heading,
            welcome=source.welcome,
            headings=source.headings,
            stories_intro=source.stories_intro,
            text_source_revision=None,
            compiled_at=source.compiled_at,
        )
        translation.also_programs.set(source.also_programs.all())
        IssueItem.objects.bulk_create(
            IssueItem(
                issue=translation,
                section=row.section,
                session_id=row.session_id,
                opportunity_id=row.opportunity_id,
                position=row.position,
                hidden=row.hidden,
                note=row.note,
                note_source_revision=None if row.note else row.note_revision,
            )
            for row in source.items.all()
        )
        Story.objects.bulk_create(
            Story(
                issue=translation,
                position=story.position,
                title=story.title,
                body=story.body,
                images=story.images,
                hidden=story.hidden,
                source=story,
            )
            for story in source.stories.all()
        )
    return translation


def mark_current(*, unit: Issue | IssueItem | Story) -> None:
    """Confirms that a translated text still says what its source says now."""
    with transaction.atomic():
        if isinstance(unit, Issue):
            if unit.source is not None:
                unit.text_source_revision = unit.source.text_revision
                unit.save(update_fields=["text_source_revision", "updated_at"])
                _changed(unit)
            return
        if isinstance(unit, Story):
            if unit.source is not None:
                unit.source_revision = unit.source.revision
                unit.save(update_fields=["source_revision"])
                _changed(unit.issue)
            return
        source_item = _source_item(unit)
        if source_item is not None:
            unit.note_source_revision = source_item.note_revision
            unit.save(update_fields=["note_source_revision"])
            _changed(unit.issue)


# --- Publishing ---------------------------------------------------------------------------------


def publish_issue(*, issue: Issue, now: dt.datetime | None = None) -> Issue:
    """Publishes the issue: its web page, feed entry and, through the hooks in
    ``outputs``, its wiki page and e-mails.

    Refused when it was never compiled or shows nothing. Side effects: the program's public
    pages are rebuilt; e-mails to subscribers and lists are queued once, on first publication.
    """
    if issue.compiled_at is None:
        raise ValidationError(_("Compile the issue before publishing it."))
    shown = issue.items.filter(hidden=False).exists() or issue.stories.filter(hidden=False).exists()
    if not shown and not issue.welcome:
        raise ValidationError(_("This issue shows nothing yet: compile it or write its welcome."))
    first = issue.published_at is None
    with transaction.atomic():
        issue.status = Issue.Status.PUBLISHED
        if first:
            issue.published_at = now or timezone.now()
        issue.save(update_fields=["status", "published_at", "updated_at"])
        _changed(issue)
        if first:
            from clinicdesk.newsletters import outputs

            outputs.issue_published(issue)
    return issue


def unpublish_issue(*, issue: Issue) -> Issue:
    """Takes the issue off the site (e-mails already sent stay sent). Side effect: pages."""
    with transaction.atomic():
        issue.status = Issue.Status.DRAFT
        issue.save(update_fields=["status", "updated_at"])
        _changed(issue)
    return issue


# --- Subscriptions ------------------------------------------------------------------------------


def normalize_email(email: str) -> str:
    email = (email or "").strip()
    local, _sep, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}" if local else email


# A pending address gets a new confirmation at most this often, however often it is typed in.
CONFIRMATION_RESEND_AFTER = dt.timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class SubscribeResult:
    subscription: Subscription
    confirmation_queued: bool


def subscribe(
    *, program: Program, email: str, language: str, now: dt.datetime | None = None
) -> SubscribeResult:
    """Records a request to receive the program's newsletter in ``language``.

    Whatever the address's state, the caller shows the same answer ("check your inbox"), so
    the page says nothing about who is subscribed. An address already confirmed gets no new
    confirmation and no duplicate row; a pending one gets another at most every
    ``CONFIRMATION_RESEND_AFTER``. Side effect: the confirmation e-mail is queued
    (``outputs.send_confirmation``; its link is minted when it is composed).
    """
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": _("Give an e-mail address such as name@example.org.")}
        ) from None
    language = _check_language(language)
    now = now or timezone.now()
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .filter(program=program, language=language, email__iexact=email)
            .first()
        )
        if subscription is not None and subscription.status == Subscription.Status.ACTIVE:
            return SubscribeResult(subscription, False)
        if subscription is None:
            try:
                with transaction.atomic():
                    subscription = Subscription.objects.create(
                        program=program, email=email, language=language, confirmation_sent_at=now
                    )
            except IntegrityError:
                # Another request for the same address won the race: it sends the e-mail.
                subscription = Subscription.objects.get(
                    program=program, language=language, email__iexact=email
                )
                return SubscribeResult(subscription, False)
        else:
            sent = subscription.confirmation_sent_at
            if (
                subscription.status == Subscription.Status.PENDING
                and sent is not None
                and now - sent < CONFIRMATION_RESEND_AFTER
            ):
                return SubscribeResult(subscription, False)
            subscription.status = Subscription.Status.PENDING
            subscription.confirmation_sent_at = now
            subscription.save(update_fields=["status", "confirmation_sent_at"])
        from clinicdesk.newsletters import outputs

        outputs.send_confirmation(subscription)
    return SubscribeResult(subscription, True)


def new_confirmation_token(subscription: Subscription) -> str:
    """A token for the confirmation link of an e-mail about to be sent; the link of any
    earlier confirmation e-mail stops working (only the newest is kept)."""
    token, digest = tokens.new_token()
    Subscription.objects.filter(pk=subscription.pk).update(confirm_digest=digest)
    subscription.confirm_digest = digest
    return token


class BadLink(Exception):
    """A confirmation or unsubscribe link that is malformed, unknown or used up."""


def confirm_subscription(*, token: str, now: dt.datetime | None = None) -> Subscription:
    """Confirms the subscription the link was sent for, and mints its unsubscribe token.

    Raises :class:`BadLink` for a forged or used link. Side effects: none beyond the row.
    """
    if not tokens.is_well_formed(token):
        raise BadLink
    digest = tokens.digest_of(token)
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update().filter(confirm_digest=digest).first()
        )
        if subscription is None or not tokens.matches(subscription.confirm_digest, token):
            raise BadLink
        subscription.status = Subscription.Status.ACTIVE
        subscription.confirmed_at = now or timezone.now()
        subscription.confirm_digest = ""
        subscription.save(update_fields=["status", "confirmed_at", "confirm_digest"])
    return subscription


def new_unsubscribe_token(subscription: Subscription) -> str:
    """A token for the unsubscribe link of one e-mail about to be sent (its digest kept)."""
    token, digest = tokens.new_token()
    UnsubscribeLink.objects.create(subscription=subscription, digest=digest)
    return token


def find_by_unsubscribe_token(token: str) -> Subscription:
    """The subscription an unsubscribe link belongs to; :class:`BadLink` for a forged one."""
    if not tokens.is_well_formed(token):
        raise BadLink
    link = (
        UnsubscribeLink.objects.select_related("subscription__program")
        .filter(digest=tokens.digest_of(token))
        .first()
    )
    if link is None or not tokens.matches(link.digest, token):
        raise BadLink
    return link.subscription


def unsubscribe(*, token: str, now: dt.datetime | None = None) -> Subscription:
    """Ends the subscription the link belongs to; a second click changes nothing.
    Raises :class:`BadLink` for a forged link. Side effects: none beyond the row."""
    subscription = find_by_unsubscribe_token(token)
    if subscription.status != Subscription.Status.LEFT:
        subscription.status = Subscription.Status.LEFT
        subscription.left_at = now or timezone.now()
        subscription.save(update_fields=["status", "left_at"])
    return subscription


def confirmation_exists(token: str) -> bool:
    """Whether a confirmation link is one that was sent and not yet used."""
    if not tokens.is_well_formed(token):
        return False
    return Subscription.objects.filter(confirm_digest=tokens.digest_of(token)).exists()
