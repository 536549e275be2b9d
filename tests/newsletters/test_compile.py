"""Compiling an issue from the record, and the editor's changes surviving a new compile."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from clinicdesk.newsletters import queries, services
from clinicdesk.newsletters.models import IssueItem
from clinicdesk.scheduling import services as scheduling_services
from tests.conftest import make_session


def _titles(groups) -> list[tuple[dt.date | None, list[str]]]:
    return [(g.month, [e.title for e in g.entries]) for g in groups]


def test_compile_sorts_past_and_upcoming_by_month(issue):
    doc = queries.issue_document(issue)

    assert _titles(doc.past) == [
        (dt.date(2030, 4, 1), ["Lua for beginners"]),
        (dt.date(2030, 5, 1), ["Templates"]),
    ]
    assert _titles(doc.upcoming) == [
        (dt.date(2030, 6, 1), ["Commons uploads"]),
        (dt.date(2030, 7, 1), ["Offline reading"]),
    ]
    first = doc.past[0].entries[0]
    assert [(r.kind, r.start_seconds, r.end_seconds) for r in first.resources] == [
        ("recording", 330, 375),
        ("slides", None, None),
    ]
    assert first.presenters == ("Ana",)


def test_compile_keeps_only_opportunities_open_on_the_issue_date(issue, record):
    doc = queries.issue_document(issue)

    assert [o.title for o in doc.opportunities] == ["Scholarship"]
    # The deadline is the end of 8 June in Mexico City: 05:59:59 UTC on the 9th is its last
    # second.
    assert doc.opportunities[0].deadline_at == dt.datetime(2030, 6, 9, 6, 0, tzinfo=dt.UTC)


def test_expired_opportunity_drops_off_when_the_issue_date_moves(issue, record):
    services.update_issue(issue=issue, issue_date=dt.date(2030, 6, 10))

    services.compile_issue(issue=issue)

    assert not issue.items.filter(section=IssueItem.Section.OPPORTUNITY).exists()


def test_deadline_end_of_day_in_its_zone_decides(program, issue, record):
    # Open until the end of its day in its own zone: at the start of 9 June (UTC) the
    # Mexico City deadline of 8 June is six hours away; one in UTC has passed.
    utc = services.create_opportunity(
        program=program, title="UTC grant", deadline_date=dt.date(2030, 6, 8), time_zone="UTC",
        allow_past=True,
    )  # fmt: skip
    services.update_issue(issue=issue, issue_date=dt.date(2030, 6, 9))
    services.compile_issue(issue=issue)

    assert [o.title for o in queries.issue_document(issue).opportunities] == ["Scholarship"]
    assert not issue.items.filter(opportunity=utc).exists()


def test_editor_changes_survive_recompile(issue, program):
    past = list(issue.items.filter(section="past").order_by("position"))
    upcoming = list(issue.items.filter(section="upcoming").order_by("position"))
    opportunity = issue.items.get(section="opportunity")
    services.set_item_hidden(item=upcoming[0], hidden=True)
    services.annotate_item(item=opportunity, note="Ask *Ana* about it.")
    # Two sessions in one month to reorder.
    make_session(program, 6, start_date=dt.date(2030, 5, 20), status="held", title="Wikidata")
    services.compile_issue(issue=issue)
    may = [i for i in issue.items.filter(section="past") if i.session.month.month == 5]
    moved = next(i for i in may if i.session.title == "Wikidata")
    services.move_item(item=moved, direction="up")

    report = services.compile_issue(issue=issue)

    assert report.added == []
    doc = queries.issue_document(issue)
    assert _titles(doc.past)[1] == (dt.date(2030, 5, 1), ["Wikidata", "Templates"])
    assert [e.title for g in doc.upcoming for e in g.entries] == ["Offline reading"]
    assert doc.opportunities[0].note == "Ask *Ana* about it."
    assert IssueItem.objects.get(pk=upcoming[0].pk).hidden
    assert len(past) == 2


def test_recompile_adds_new_sessions_and_removes_cancelled_ones(issue, record):
    third = record["sessions"][2]
    scheduling_services.cancel_session(session=third)
    make_session(
        issue.program, 7, start_date=dt.date(2030, 8, 2), title="Maps"
    )  # within three months after the period

    report = services.compile_issue(issue=issue)

    assert report.added == ["Maps"]
    assert report.removed == ["Commons uploads"]


def test_session_held_since_moves_to_past_with_its_note(issue, record, program):
    services.update_issue(
        issue=issue, period_end=dt.date(2030, 6, 30), upcoming_until=dt.date(2030, 9, 30)
    )
    item = issue.items.get(session=record["sessions"][2])
    services.annotate_item(item=item, note="Recording soon.")

    services.compile_issue(issue=issue)

    item.refresh_from_db()
    assert (item.section, item.note) == ("past", "Recording soon.")


def test_nothing_to_compile_is_refused_with_a_message(program):
    issue = services.create_issue(
        program=program, number=1, period_start=dt.date(2001, 1, 1), period_end=dt.date(2001, 1, 31)
    )

    with pytest.raises(ValidationError) as error:
        services.compile_issue(issue=issue)

    assert error.value.messages == [
        "Nothing to compile: no session from 2001-01-01 to 2001-01-31, none planned after it, "
        "and no opportunity open on 2001-02-01."
    ]


def test_past_deadline_is_refused_for_a_new_opportunity(program):
    with pytest.raises(ValidationError) as error:
        services.create_opportunity(
            program=program, title="Late", deadline_date=dt.date(2001, 1, 1)
        )

    assert error.value.message_dict == {
        "deadline_date": ["This deadline has passed: give one still to come."]
    }


def test_opportunity_link_that_is_not_a_url_is_refused(program):
    with pytest.raises(ValidationError) as error:
        services.create_opportunity(
            program=program, title="Odd", url="javascript:alert(1)",
            deadline_date=dt.date(2099, 1, 1),
        )  # fmt: skip

    assert error.value.message_dict == {
        "url": ["Give a full web address starting with https:// or http://."]
    }


def test_issue_across_programs_names_each_sessions_program(issue, member):
    from clinicdesk.scheduling.models import Program

    other = Program.objects.get(slug="lets-connect")
    make_session(other, 1, start_date=dt.date(2030, 5, 2), status="held", title="Peer learning")
    issue.also_programs.add(other)

    services.compile_issue(issue=issue)

    may = queries.issue_document(issue).past[1]
    assert [(e.title, e.program_name) for e in may.entries] == [
        ("Templates", "Wikimedia Clinics"),
        ("Peer learning", "Let's Connect"),
    ]
