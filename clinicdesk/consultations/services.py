"""Every write of the consultations app happens here.

Each function is keyword-only, validates its input, owns its transaction and raises
:class:`django.core.exceptions.ValidationError` (keyed by field where one is at fault) with a
message fit for a person. Side effects are listed in each docstring; "public pages are
rebuilt" means the program's content version moves (``scheduling.services.touch_program``).

One ballot per participant holds under concurrent submits: a unique constraint on
(consultation, participant key), and an update-or-insert in one transaction that takes the
other path when the insert loses a race (the constraint's ``IntegrityError``).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from clinicdesk.consultations import lines as parsing
from clinicdesk.consultations import regions
from clinicdesk.consultations.methods import BallotProblem, Method, check_ranking
from clinicdesk.consultations.models import (
    Ballot,
    Community,
    Consultation,
    Initiative,
    InitiativeGroup,
    Submission,
    SubmissionChoice,
)
from clinicdesk.consultations.participants import Participant
from clinicdesk.consultations.phases import Phase, Window, phases_at
from clinicdesk.lib.formats import describe_instant
from clinicdesk.lib.languages import is_language
from clinicdesk.lib.tz import Fold, TimeProblem, get_zone, to_utc, wall_time_kind
from clinicdesk.scheduling.models import ClinicSession, Program
from clinicdesk.scheduling.services import touch_program
from clinicdesk.scheduling.timetext import describe_time_problem

MAX_CHOICES = 20
MIN_THRESHOLD = 2
MAX_THRESHOLD = 100
MAX_TITLE = 300
MAX_DESCRIPTION = 2000
MAX_COMMENT = 1000
MAX_NAME = 200
MAX_LANGUAGES = 12

SUBMISSIONS = "submissions"
RANKING = "ranking"
WINDOWS = (SUBMISSIONS, RANKING)


# --- Reading the clock ----------------------------------------------------------------------------


def window_of(consultation: Consultation, which: str) -> Window:
    if which == SUBMISSIONS:
        return Window(consultation.submissions_opens_at, consultation.submissions_closes_at)
    return Window(consultation.ranking_opens_at, consultation.ranking_closes_at)


def when_text(instant: dt.datetime, zone: str) -> str:
    """An instant as a person reads it in messages, naming the zone."""
    return describe_instant(instant, zone, get_language() or "en").full


def _refusal(consultation: Consultation, which: str, now: dt.datetime) -> str | None:
    window = window_of(consultation, which)
    phase = window.phase(now)
    zone = consultation.time_zone
    if phase == Phase.OPEN:
        return None
    if phase == Phase.NOT_SET:
        if which == SUBMISSIONS:
            return _("This consultation does not take submissions yet.")
        return _("Ranking has not been opened yet.")
    if phase == Phase.NOT_YET:
        assert window.opens_at is not None  # noqa: S101 - NOT_YET has an opening
        if which == SUBMISSIONS:
            return _("Submissions open on %(when)s.") % {"when": when_text(window.opens_at, zone)}
        return _("Ranking opens on %(when)s.") % {"when": when_text(window.opens_at, zone)}
    assert window.closes_at is not None  # noqa: S101 - CLOSED has a closing
    if which == SUBMISSIONS:
        return _("Submissions closed on %(when)s.") % {"when": when_text(window.closes_at, zone)}
    return _("Ranking closed on %(when)s.") % {"when": when_text(window.closes_at, zone)}


def submission_refusal(consultation: Consultation, now: dt.datetime) -> str | None:
    """Why submissions are not taken now, or None while they are."""
    return _refusal(consultation, SUBMISSIONS, now)


def ranking_refusal(consultation: Consultation, now: dt.datetime) -> str | None:
    """Why ballots are not taken now, or None while they are."""
    return _refusal(consultation, RANKING, now)


def results_refusal(consultation: Consultation, now: dt.datetime) -> str:
    """Why the results (and the ballots' raw data) are not shown yet."""
    closes = consultation.ranking_closes_at
    if closes is not None and now < closes:
        return _("Results are published when ranking closes, on %(when)s.") % {
            "when": when_text(closes, consultation.time_zone)
        }
    return _("Results are published when ranking closes.")


# --- Consultations --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConsultationTimes:
    """The four times as typed: wall times in one zone. A date without a time opens at 00:00
    and closes at 23:59 that day."""

    time_zone: str = "UTC"
    submissions_opens_on: dt.date | None = None
    submissions_opens_time: dt.time | None = None
    submissions_closes_on: dt.date | None = None
    submissions_closes_time: dt.time | None = None
    ranking_opens_on: dt.date | None = None
    ranking_opens_time: dt.time | None = None
    ranking_closes_on: dt.date | None = None
    ranking_closes_time: dt.time | None = None

    @classmethod
    def of(cls, consultation: Consultation) -> ConsultationTimes:
        return cls(
            time_zone=consultation.time_zone,
            **{
                f"{which}_{edge}_{part}": getattr(consultation, f"{which}_{edge}_{part}")
                for which in WINDOWS
                for edge in ("opens", "closes")
                for part in ("on", "time")
            },
        )


def _instant(
    field: str, day: dt.date | None, time: dt.time | None, zone: str, closing: bool
) -> tuple[dt.datetime | None, dt.time | None, str | None]:
    """The UTC instant of a typed time, the time kept, and a note when it fell in a fold.

    In a daylight-saving fold an opening takes the first of the two readings and a closing
    the second (the later, so nobody is cut short); a time in a gap is refused.
    """
    if day is None:
        if time is not None:
            raise ValidationError({field: _("A time needs a date.")})
        return None, None, None
    if time is None:
        time = dt.time(23, 59) if closing else dt.time(0, 0)
    wall = dt.datetime.combine(day, time)
    note = None
    fold = Fold.SECOND if closing else Fold.FIRST
    try:
        if wall_time_kind(wall, zone) == "fold":
            note = (
                _(
                    "%(time)s on %(date)s happens twice in %(zone)s: the closing is the second "
                    "time (the later)."
                )
                if closing
                else _(
                    "%(time)s on %(date)s happens twice in %(zone)s: the opening is the first "
                    "time (the earlier)."
                )
            ) % {"time": f"{time:%H:%M}", "date": day.isoformat(), "zone": zone}
        return to_utc(wall, zone, fold=fold), time, note
    except TimeProblem as problem:
        raise ValidationError({field: describe_time_problem(problem)}) from None


def _derive_times(times: ConsultationTimes) -> tuple[dict[str, Any], list[str]]:
    """The model fields for ``times`` (typed and derived) and the notes about folds."""
    try:
        get_zone(times.time_zone)
    except TimeProblem as problem:
        raise ValidationError({"time_zone": describe_time_problem(problem)}) from None
    values: dict[str, Any] = {"time_zone": times.time_zone}
    notes: list[str] = []
    for which in WINDOWS:
        instants = {}
        for edge in ("opens", "closes"):
            day = getattr(times, f"{which}_{edge}_on")
            instant, time, note = _instant(
                f"{which}_{edge}_on",
                day,
                getattr(times, f"{which}_{edge}_time"),
                times.time_zone,
                closing=edge == "closes",
            )
            values[f"{which}_{edge}_on"] = day
            values[f"{which}_{edge}_time"] = time
            values[f"{which}_{edge}_at"] = instant
            instants[edge] = instant
            if note:
                notes.append(note)
        if instants["opens"] and instants["closes"] and instants["closes"] <= instants["opens"]:
            raise ValidationError(
                {f"{which}_closes_on": _("The closing must come after the opening.")}
            )
    return values, notes


def _clean_languages(codes: Sequence[str]) -> list[str]:
    cleaned = []
    for code in codes:
        if not isinstance(code, str) or not is_language(code):
            raise ValidationError(
                {
                    "languages": _("“%(code)s” is not a language code (for example en, es, ar).")
                    % {"code": code}
                }
            )
        if code not in cleaned:
            cleaned.append(code)
    if not cleaned:
        raise ValidationError({"languages": _("Give at least one language for the texts.")})
    if len(cleaned) > MAX_LANGUAGES:
        raise ValidationError(
            {"languages": _("Give at most %(max)d languages.") % {"max": MAX_LANGUAGES}}
        )
    return cleaned


_SETTINGS = frozenset(
    {
        "title",
        "slug",
        "question",
        "about",
        "languages",
        "method",
        "max_choices",
        "suppression_threshold",
    }
)


def _clean_settings(consultation: Consultation, fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - _SETTINGS
    if unknown:
        raise TypeError(f"unknown consultation fields: {sorted(unknown)}")
    if "title" in fields:
        fields["title"] = str(fields["title"]).strip()
        if not fields["title"]:
            raise ValidationError({"title": _("Give the consultation a title.")})
    if "slug" in fields:
        try:
            validate_slug(fields["slug"])
        except ValidationError:
            raise ValidationError(
                {"slug": _("Use only letters, numbers, hyphens and underscores.")}
            ) from None
        taken = Consultation.objects.filter(
            program_id=consultation.program_id, slug=fields["slug"]
        ).exclude(pk=consultation.pk)
        if taken.exists():
            raise ValidationError(
                {"slug": _("This program already has a consultation with this short name.")}
            )
    if "languages" in fields:
        fields["languages"] = _clean_languages(fields["languages"])
    if "method" in fields and fields["method"] not in Method.__members__.values():
        raise ValidationError({"method": _("Choose Borda count, approval count or Schulze.")})
    if "max_choices" in fields:
        count = fields["max_choices"]
        if not isinstance(count, int) or not 1 <= count <= MAX_CHOICES:
            raise ValidationError(
                {"max_choices": _("Allow 1 to %(max)d choices.") % {"max": MAX_CHOICES}}
            )
        if consultation.pk and count != consultation.max_choices and consultation.ballots.exists():
            raise ValidationError(
                {
                    "max_choices": _(
                        "People have already ranked: the number of choices can no longer change."
                    )
                }
            )
    if "suppression_threshold" in fields:
        threshold = fields["suppression_threshold"]
        if not isinstance(threshold, int) or not MIN_THRESHOLD <= threshold <= MAX_THRESHOLD:
            raise ValidationError(
                {
                    "suppression_threshold": _("Give a number from %(min)d to %(max)d.")
                    % {"min": MIN_THRESHOLD, "max": MAX_THRESHOLD}
                }
            )
    return fields


def _check_sessions(program: Program, sessions: Iterable[ClinicSession]) -> list[ClinicSession]:
    chosen = list(sessions)
    if any(session.program_id != program.pk for session in chosen):
        raise ValidationError({"sessions": _("Choose events of this consultation's program.")})
    return chosen


@dataclass(frozen=True, slots=True)
class Saved:
    consultation: Consultation
    notes: list[str]  # what the organizer should know: a time in a fold, read one way


def create_consultation(
    *,
    program: Program,
    title: str,
    slug: str,
    languages: Sequence[str] = ("en",),
    sessions: Iterable[ClinicSession] = (),
    times: ConsultationTimes | None = None,
    **fields: Any,
) -> Saved:
    """Creates a consultation of ``program``.

    Side effect: the program's public pages are rebuilt (they link to it).
    """
    consultation = Consultation(program=program)
    cleaned = _clean_settings(
        consultation, {"title": title, "slug": slug, "languages": list(languages), **fields}
    )
    values, notes = _derive_times(times or ConsultationTimes())
    chosen = _check_sessions(program, sessions)
    for key, value in {**cleaned, **values}.items():
        setattr(consultation, key, value)
    consultation.full_clean(validate_unique=False, validate_constraints=False)
    with transaction.atomic():
        consultation.save()
        consultation.sessions.set(chosen)
        touch_program(program.pk)
    return Saved(consultation, notes)


def update_consultation(
    *,
    consultation: Consultation,
    sessions: Iterable[ClinicSession] | None = None,
    times: ConsultationTimes | None = None,
    **fields: Any,
) -> Saved:
    """Changes a consultation's settings, its events or its times.

    Side effect: the program's public pages are rebuilt.
    """
    cleaned = _clean_settings(consultation, dict(fields))
    values, notes = _derive_times(times) if times is not None else ({}, [])
    chosen = _check_sessions(consultation.program, sessions) if sessions is not None else None
    changes = {**cleaned, **values}
    original = {key: getattr(consultation, key) for key in changes}
    for key, value in changes.items():
        setattr(consultation, key, value)
    try:
        consultation.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError:
        for key, value in original.items():
            setattr(consultation, key, value)
        raise
    with transaction.atomic():
        consultation.save(update_fields=[*changes, "updated_at"])
        if chosen is not None:
            consultation.sessions.set(chosen)
        touch_program(consultation.program_id)
    return Saved(consultation, notes)


def set_window_now(
    *, consultation: Consultation, which: str, edge: str, now: dt.datetime | None = None
) -> Saved:
    """Opens or closes submissions or ranking now: the opening (or closing) becomes the current
    minute in the consultation's zone; opening also clears a closing already past.

    Side effect: the program's public pages are rebuilt.
    """
    if which not in WINDOWS or edge not in ("opens", "closes"):
        raise ValueError(f"unknown window edge {which} {edge}")
    now = now or timezone.now()
    local = now.astimezone(get_zone(consultation.time_zone))
    # Wall times are kept to the minute: the current minute has begun, so whichever edge is
    # set, it has passed when this returns.
    minute = local.replace(second=0, microsecond=0)
    times = ConsultationTimes.of(consultation)
    updates: dict[str, Any] = {
        f"{which}_{edge}_on": local.date(),
        f"{which}_{edge}_time": local.time().replace(second=0, microsecond=0, tzinfo=None),
    }
    window = window_of(consultation, which)
    if edge == "opens" and window.closes_at is not None and window.closes_at <= now:
        updates[f"{which}_closes_on"] = None
        updates[f"{which}_closes_time"] = None
    if edge == "closes" and window.opens_at is not None and window.opens_at >= minute:
        # Opened within this minute (or set for later): the window is empty, so it goes.
        updates[f"{which}_opens_on"] = None
        updates[f"{which}_opens_time"] = None
    return update_consultation(consultation=consultation, times=replace(times, **updates))


def publish_results_early(*, consultation: Consultation, published: bool) -> Consultation:
    """Shows (or hides again) the results before ranking closes.

    Side effect: the program's public pages are rebuilt.
    """
    if consultation.results_published_early != published:
        consultation.results_published_early = published
        with transaction.atomic():
            consultation.save(update_fields=["results_published_early", "updated_at"])
            touch_program(consultation.program_id)
    return consultation


@dataclass(frozen=True, slots=True)
class ResultsPublished:
    pages: int  # wiki pages queued for publishing
    emails: int  # e-mails queued to mailing lists


def publish_results(
    *,
    consultation: Consultation,
    send_email: bool = True,
    user: AbstractBaseUser | None = None,
    now: dt.datetime | None = None,
) -> ResultsPublished:
    """Publishes the results through the publishing app: a results page per language on each
    of the program's active wikis, and (with ``send_email``) the results e-mail to each of
    its active mailing lists, once per list. Only results that are visible (ranking closed,
    or shown early) can be published. Publishing again republishes the pages at once; the
    periodic sweep also republishes them when the results change.

    Side effects: publishing tasks and e-mails in the outbox, once committed.
    """
    from clinicdesk.consultations import results_source
    from clinicdesk.publishing import services as publishing

    now = now or timezone.now()
    phases = phases_at(
        window_of(consultation, SUBMISSIONS),
        window_of(consultation, RANKING),
        published_early=consultation.results_published_early,
        now=now,
    )
    if not phases.results_visible:
        raise ValidationError(results_refusal(consultation, now))
    program = consultation.program
    with transaction.atomic():
        consultation.results_published_at = now
        consultation.save(update_fields=["results_published_at", "updated_at"])
        pages = publishing.publish_source_pages(
            program=program,
            kind=results_source.KIND,
            keys=results_source.page_keys(consultation),
            now=now,
        )
        emails = []
        if send_email:
            emails = publishing.queue_source_email(
                program=program,
                kind=results_source.KIND,
                key=str(consultation.pk),
                user=user if isinstance(user, User) else None,
                now=now,
            )
    return ResultsPublished(pages=pages, emails=len(emails))


# --- Groups and initiatives -----------------------------------------------------------------------


def _clean_texts(
    consultation: Consultation, texts: Mapping[str, Mapping[str, str]], keys: Sequence[str]
) -> dict[str, dict[str, str]]:
    """Per-language texts, trimmed, empty languages dropped; the source language required."""
    limits = {"name": MAX_TITLE, "title": MAX_TITLE, "description": MAX_DESCRIPTION}
    cleaned: dict[str, dict[str, str]] = {}
    for language, values in texts.items():
        if language not in consultation.languages:
            raise ValidationError(
                {
                    "texts": _("“%(code)s” is not one of this consultation's languages.")
                    % {"code": language}
                }
            )
        entry = {key: " ".join(str(values.get(key, "")).split()) for key in keys}
        for key, value in entry.items():
            if len(value) > limits[key]:
                raise ValidationError(
                    {"texts": _("Keep each text under %(max)d characters.") % {"max": limits[key]}}
                )
        if any(entry.values()):
            if not entry[keys[0]]:
                raise ValidationError(
                    {
                        "texts": _("A text in %(code)s needs its first field too.")
                        % {"code": language}
                    }
                )
            cleaned[language] = entry
    if consultation.source_language not in cleaned:
        raise ValidationError(
            {
                "texts": _("Write it at least in %(code)s, the consultation's first language.")
                % {"code": consultation.source_language}
            }
        )
    return cleaned


def _clean_code(code: str) -> str:
    code = " ".join(str(code).split())
    if not code:
        raise ValidationError({"code": _("Give a code, for example 1.2.")})
    if len(code) > parsing.MAX_CODE:
        raise ValidationError(
            {"code": _("Keep the code under %(max)d characters.") % {"max": parsing.MAX_CODE}}
        )
    return code


def _next_position(rows: Any) -> int:
    highest = rows.aggregate(highest=Max("position"))["highest"]
    return 0 if highest is None else highest + 1


def save_group(
    *,
    consultation: Consultation,
    code: str,
    texts: Mapping[str, Mapping[str, str]],
    group: InitiativeGroup | None = None,
) -> InitiativeGroup:
    """Adds a group of initiatives, or changes ``group``.

    Side effect: the program's public pages are rebuilt.
    """
    code = _clean_code(code)
    cleaned = _clean_texts(consultation, texts, ["name"])
    clash = consultation.groups.filter(code__iexact=code)
    if group is not None:
        clash = clash.exclude(pk=group.pk)
    if clash.exists():
        raise ValidationError({"code": _("Another group already has this code.")})
    with transaction.atomic():
        if group is None:
            group = InitiativeGroup.objects.create(
                consultation=consultation,
                code=code,
                texts=cleaned,
                position=_next_position(consultation.groups),
            )
        else:
            group.code = code
            group.texts = cleaned
            group.save(update_fields=["code", "texts"])
        touch_program(consultation.program_id)
    return group


def _is_chosen(initiative: Initiative) -> bool:
    # Any ballot at all: ballots hold initiative ids, and renumbering under them would change
    # what people chose.
    return (
        initiative.submission_choices.exists()
        or Ballot.objects.filter(consultation_id=initiative.consultation_id).exists()
    )


def save_initiative(
    *,
    consultation: Consultation,
    code: str,
    texts: Mapping[str, Mapping[str, str]],
    group: InitiativeGroup | None,
    initiative: Initiative | None = None,
) -> Initiative:
    """Adds an initiative, or changes ``initiative``.

    Side effect: the program's public pages are rebuilt.
    """
    code = _clean_code(code)
    cleaned = _clean_texts(consultation, texts, ["title", "description"])
    if group is not None and group.consultation_id != consultation.pk:
        raise ValidationError({"group": _("Choose a group of this consultation.")})
    clash = consultation.initiatives.filter(code__iexact=code)
    if initiative is not None:
        clash = clash.exclude(pk=initiative.pk)
    if clash.exists():
        raise ValidationError({"code": _("Another initiative already has this code.")})
    with transaction.atomic():
        if initiative is None:
            initiative = Initiative.objects.create(
                consultation=consultation,
                code=code,
                group=group,
                texts=cleaned,
                position=_next_position(consultation.initiatives),
            )
        else:
            initiative.code = code
            initiative.group = group
            initiative.texts = cleaned
            initiative.save(update_fields=["code", "group", "texts"])
        touch_program(consultation.program_id)
    return initiative


def delete_initiative(*, initiative: Initiative) -> None:
    """Removes an initiative nobody has chosen yet.

    Side effect: the program's public pages are rebuilt.
    """
    if _is_chosen(initiative):
        raise ValidationError(
            _(
                "Communities or participants have already made their choices: this initiative "
                "can be renamed, not removed."
            )
        )
    program_id = initiative.consultation.program_id
    with transaction.atomic():
        initiative.delete()
        touch_program(program_id)


def _line_message(problem: parsing.Problem) -> str:
    messages = {
        parsing.LineProblem.NO_GROUP: _(
            "Line %(line)d: start with a group line, such as “# R1 | Name of the group”."
        ),
        parsing.LineProblem.MISSING_TITLE: _("Line %(line)d: give a code and a title."),
        parsing.LineProblem.CODE_TOO_LONG: _("Line %(line)d: the code is too long."),
        parsing.LineProblem.TEXT_TOO_LONG: _("Line %(line)d: the text is too long."),
        parsing.LineProblem.DUPLICATE: _("Line %(line)d: this was already given above."),
        parsing.LineProblem.NO_PLACE: _(
            "Line %(line)d: give the country code (such as AR) or “international”."
        ),
    }
    return messages[problem.kind] % {"line": problem.line}


@dataclass(frozen=True, slots=True)
class ImportCount:
    created: int
    updated: int


def import_initiatives(
    *, consultation: Consultation, text: str, language: str | None = None
) -> ImportCount:
    """Adds or updates groups and initiatives from pasted lines (see ``lines.py``), with their
    texts in ``language`` (default: the consultation's first). A code already there gets the
    text in that language; so a translation is imported the same way.

    All or nothing. Side effect: the program's public pages are rebuilt.
    """
    language = language or consultation.source_language
    if language not in consultation.languages:
        raise ValidationError({"language": _("Choose one of this consultation's languages.")})
    groups, initiatives, problems = parsing.parse_initiatives(text)
    if problems:
        raise ValidationError({"text": [_line_message(p) for p in problems]})
    if not initiatives and not groups:
        raise ValidationError({"text": _("Paste at least one line.")})
    created = updated = 0
    with transaction.atomic():
        by_code = {g.code.casefold(): g for g in consultation.groups.all()}
        for line in groups:
            existing = by_code.get(line.code.casefold())
            texts = dict(existing.texts) if existing else {}
            texts[language] = {"name": line.name}
            by_code[line.code.casefold()] = save_group(
                consultation=consultation, code=line.code, texts=texts, group=existing
            )
        known = {i.code.casefold(): i for i in consultation.initiatives.all()}
        for item in initiatives:
            group = by_code[item.group.casefold()]
            found = known.get(item.code.casefold())
            texts = dict(found.texts) if found else {}
            texts[language] = {"title": item.title, "description": item.description}
            save_initiative(
                consultation=consultation,
                code=item.code,
                texts=texts,
                group=group,
                initiative=found,
            )
            if found:
                updated += 1
            else:
                created += 1
    return ImportCount(created, updated)


# --- Communities ----------------------------------------------------------------------------------


def name_key(name: str) -> str:
    """The form a community's name is compared in."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def _place(place: str) -> tuple[str, str]:
    """(region, country) of a country code or a region code."""
    if regions.is_country(place.upper()):
        country = place.upper()
        return regions.region_of_country(country), country
    if regions.is_region(place.lower()):
        return place.lower(), ""
    raise ValidationError(
        {"country": _("“%(place)s” is not a country code or a region.") % {"place": place}}
    )


def add_communities(*, consultation: Consultation, text: str) -> ImportCount:
    """Lists communities from pasted lines ("Name | country code or region"); a name already
    listed gets the new place.

    All or nothing. Side effect: none beyond the list (communities show once they submit).
    """
    found, problems = parsing.parse_communities(text)
    if problems:
        raise ValidationError({"text": [_line_message(p) for p in problems]})
    created = updated = 0
    with transaction.atomic():
        for number, line in enumerate(found, start=1):
            try:
                region, country = _place(line.place)
            except ValidationError:
                raise ValidationError(
                    {
                        "text": _("Line %(line)d: “%(place)s” is not a country code or a region.")
                        % {"line": number, "place": line.place}
                    }
                ) from None
            _community, made = Community.objects.update_or_create(
                consultation=consultation,
                name_key=name_key(line.name),
                defaults={
                    "name": line.name,
                    "region": region,
                    "country": country,
                    "is_listed": True,
                },
            )
            if made:
                created += 1
            else:
                updated += 1
    return ImportCount(created, updated)


# --- Submissions ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewCommunity:
    """A community not on the list yet, as the submission form describes it."""

    name: str
    country: str = ""  # ISO code, or empty for an international one
    region: str = ""  # needed when there is no country


@dataclass(frozen=True, slots=True)
class Priority:
    initiative_id: int
    comment: str = ""


def _ranking_message(problem: Any, names: Mapping[int, str]) -> str:
    kind = problem.kind
    if kind == BallotProblem.EMPTY:
        return _("Choose at least one initiative.")
    if kind == BallotProblem.UNKNOWN:
        return _("“%(choice)s” is not one of this consultation's initiatives.") % {
            "choice": problem.option
        }
    if kind == BallotProblem.DUPLICATE:
        return _("You chose “%(initiative)s” more than once: choose each initiative once.") % {
            "initiative": names.get(problem.option, str(problem.option))
        }
    return ""


def check_choices(consultation: Consultation, choices: Sequence[int]) -> list[int]:
    """The ranking, or a ValidationError on ``choices`` saying what is wrong with it."""
    codes = dict(consultation.initiatives.values_list("pk", "code"))
    problem = check_ranking(list(choices), codes, consultation.max_choices)
    if problem is None:
        return [int(choice) for choice in choices]
    if problem.kind == BallotProblem.TOO_MANY:
        message = _("Choose at most %(max)d initiatives.") % {"max": consultation.max_choices}
    else:
        message = _ranking_message(problem, codes)
    raise ValidationError({"choices": ValidationError(message, code=problem.kind.value)})


def _community_for(
    consultation: Consultation, community_id: int | None, new: NewCommunity | None
) -> Community:
    if community_id is not None:
        community = consultation.communities.filter(pk=community_id, is_listed=True).first()
        if community is None:
            raise ValidationError(
                {
                    "community": ValidationError(
                        _(
                            "We do not know this community. Choose it from the list, or choose "
                            "“My community is not listed” and give its name and country."
                        ),
                        code="unknown-community",
                    )
                }
            )
        return community
    if new is None or not new.name.strip():
        raise ValidationError(
            {
                "community": ValidationError(
                    _("Choose your community from the list, or give its name if it is not listed."),
                    code="unknown-community",
                )
            }
        )
    name = " ".join(new.name.split())
    if len(name) > MAX_NAME:
        raise ValidationError({"new_community_name": _("Keep the name under 200 characters.")})
    if new.country:
        if not regions.is_country(new.country):
            raise ValidationError({"new_community_country": _("Choose a country from the list.")})
        region, country = regions.region_of_country(new.country), new.country
    elif regions.is_region(new.region):
        region, country = new.region, ""
    else:
        raise ValidationError(
            {
                "new_community_country": _(
                    "Choose the community's country, or its region if it works across countries."
                )
            }
        )
    existing = consultation.communities.filter(name_key=name_key(name)).first()
    if existing is not None:
        return existing
    community, _made = Community.objects.get_or_create(
        consultation=consultation,
        name_key=name_key(name),
        defaults={"name": name, "region": region, "country": country, "is_listed": False},
    )
    return community


def submit_priorities(
    *,
    consultation: Consultation,
    contact_name: str,
    contact_email: str,
    priorities: Sequence[Priority],
    community_id: int | None = None,
    new_community: NewCommunity | None = None,
    now: dt.datetime | None = None,
) -> Submission:
    """Records a community's ordered priorities for review, while submissions are open.

    A community not on the list is added as proposed, and listed once organizers accept its
    submission. Side effects: none public until organizers accept it.
    """
    now = now or timezone.now()
    refusal = _refusal(consultation, SUBMISSIONS, now)
    if refusal:
        raise ValidationError(refusal, code="closed")
    contact_name = " ".join(str(contact_name).split())
    if not contact_name or len(contact_name) > MAX_NAME:
        raise ValidationError({"contact_name": _("Give the name of a contact person.")})
    contact_email = str(contact_email).strip()
    try:
        validate_email(contact_email)
    except ValidationError:
        raise ValidationError({"contact_email": _("Enter a valid e-mail address.")}) from None
    ranking = check_choices(consultation, [p.initiative_id for p in priorities])
    for priority in priorities:
        if len(priority.comment) > MAX_COMMENT:
            raise ValidationError(
                {"choices": _("Keep each comment under %(max)d characters.") % {"max": MAX_COMMENT}}
            )
    with transaction.atomic():
        community = _community_for(consultation, community_id, new_community)
        submission = Submission.objects.create(
            consultation=consultation,
            community=community,
            contact_name=contact_name,
            contact_email=contact_email,
        )
        SubmissionChoice.objects.bulk_create(
            SubmissionChoice(
                submission=submission,
                place=place,
                initiative_id=initiative_id,
                comment=priority.comment.strip(),
            )
            for place, (initiative_id, priority) in enumerate(
                zip(ranking, priorities, strict=True), start=1
            )
        )
    return submission


def review_submission(
    *,
    submission: Submission,
    accept: bool,
    reviewer: AbstractBaseUser | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Submission:
    """Accepts a submission (it shows in the public table and map, and replaces the
    community's earlier accepted one) or declines it.

    Side effects: a community proposed with it is listed; the program's public pages are
    rebuilt.
    """
    now = now or timezone.now()
    status = Submission.Status.ACCEPTED if accept else Submission.Status.REJECTED
    with transaction.atomic():
        if accept:
            Submission.objects.filter(
                consultation_id=submission.consultation_id,
                community_id=submission.community_id,
                status=Submission.Status.ACCEPTED,
            ).exclude(pk=submission.pk).update(status=Submission.Status.REPLACED)
            Community.objects.filter(pk=submission.community_id, is_listed=False).update(
                is_listed=True
            )
        submission.status = status
        submission.review_note = note.strip()
        submission.reviewed_by = reviewer  # type: ignore[assignment]
        submission.reviewed_at = now
        submission.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
        touch_program(submission.consultation.program_id)
    return submission


# --- Ballots --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BallotResult:
    ballot: Ballot
    replaced: bool  # the participant had ranked before; this ranking took its place


def submit_ballot(
    *,
    consultation: Consultation,
    participant: Participant,
    choices: Sequence[int],
    now: dt.datetime | None = None,
) -> BallotResult:
    """Records a participant's ranking while ranking is open; a second one replaces the first.

    Side effect: when results are shown before closing, the program's public pages are
    rebuilt.
    """
    now = now or timezone.now()
    refusal = _refusal(consultation, RANKING, now)
    if refusal:
        raise ValidationError(refusal, code="closed")
    ranking = check_choices(consultation, choices)
    values = {
        "choices": ranking,
        "region": participant.region,
        "language": participant.language,
        "session_id": participant.session_id,
    }
    where = {"consultation": consultation, "participant_key": participant.key}
    with transaction.atomic():
        replaced = _update_ballot(where, values, now)
        if not replaced:
            try:
                # A savepoint: losing the race to an identical insert leaves the outer
                # transaction usable, and the other path then updates the winner's row.
                with transaction.atomic():
                    Ballot.objects.create(**where, **values)
            except IntegrityError:
                replaced = _update_ballot(where, values, now)
                if not replaced:
                    raise
        if consultation.results_published_early:
            touch_program(consultation.program_id)
    ballot = Ballot.objects.get(**where)
    return BallotResult(ballot, replaced)


def _update_ballot(where: dict[str, Any], values: dict[str, Any], now: dt.datetime) -> bool:
    return bool(Ballot.objects.filter(**where).update(**values, updated_at=now))
