"""Counting needs: per session, combined across sessions, and kept as plain data."""

from __future__ import annotations

from clinicdesk.registration.needs import NeedsAnswer, NeedsSummary, Tally, combine, summarize


def test_summarize_counts_each_need_among_confirmed_and_waitlisted():
    summary = summarize(
        [
            NeedsAnswer("confirmed", "fr", data_package=True),
            NeedsAnswer("confirmed", "fr", childcare=True, has_accessibility_notes=True),
            NeedsAnswer("waitlisted", "ar", data_package=True),
            NeedsAnswer("confirmed", ""),
            NeedsAnswer("cancelled", "fr", data_package=True, childcare=True),
        ]
    )
    assert summary.registrations == Tally(3, 1)
    assert summary.cancelled == 1
    assert summary.interpretation == {"fr": Tally(2, 0), "ar": Tally(0, 1)}
    assert summary.data_package == Tally(1, 1)
    assert summary.childcare == Tally(1, 0)
    assert summary.accessibility_notes == Tally(1, 0)


def test_interpretation_rows_most_needed_first_then_by_code():
    summary = summarize(
        [NeedsAnswer("confirmed", code) for code in ["ru", "es", "es", "ar", "ru", "id"]]
    )
    assert [code for code, _t in summary.interpretation_rows()] == ["es", "ru", "ar", "id"]


def test_combine_adds_sessions_up():
    first = summarize([NeedsAnswer("confirmed", "fr", data_package=True)])
    second = summarize([NeedsAnswer("waitlisted", "fr"), NeedsAnswer("confirmed", "de")])
    total = combine([first, second])
    assert total.registrations == Tally(2, 1)
    assert total.interpretation == {"fr": Tally(1, 1), "de": Tally(1, 0)}
    assert total.data_package == Tally(1, 0)


def test_summary_survives_a_round_trip_through_json_data():
    summary = summarize(
        [NeedsAnswer("confirmed", "zh", True, True, True), NeedsAnswer("cancelled")]
    )
    assert NeedsSummary.from_dict(summary.as_dict()) == summary
    assert NeedsSummary.from_dict({}) == NeedsSummary()
