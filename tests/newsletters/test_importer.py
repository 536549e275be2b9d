"""The pure reader of a rendered newsletter page (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from clinicdesk.demo import seed_path
from clinicdesk.newsletters.importer import NewsletterTextError, parse_newsletter

SEED_003 = seed_path("003").read_text(encoding="utf-8")


def test_parse_seed_003_structure():
    page = parse_newsletter(SEED_003)

    assert (page.number, page.previous_number, page.issue_date) == (21, 20, dt.date(2024, 12, 1))
    assert page.period == (dt.date(2024, 9, 1), dt.date(2024, 11, 30))
    assert [c.month.month for c in page.past] == [9, 9, 9, 10, 10, 10, 11, 11]
    assert [(c.month, c.day) for c in page.upcoming] == [
        (dt.date(2025, 1, 1), dt.date(2025, 1, 16)),
        (dt.date(2025, 2, 1), None),
        (dt.date(2025, 3, 1), dt.date(2025, 3, 15)),
    ]
    assert [o.deadline for o in page.opportunities] == [dt.date(2024, 12, 8), dt.date(2024, 12, 30)]
    assert len(page.stories) == 6
    assert page.headings["closing"] == "Resource to check out:"


def test_parse_time_range_and_presenters():
    page = parse_newsletter(SEED_003)
    learnings = page.past[3]

    assert [(r.kind, r.title, r.start_seconds, r.end_seconds) for r in learnings.resources] == [
        ("recording", "video recording", 330, 375),
        ("slides", "presentation slides", None, None),
    ]
    assert page.past[4].presenters == ("Laurie", "Ioanda")


@pytest.mark.parametrize(
    "text",
    ["", "just a line", "Title\nIssue 3\nHeading\n\nedit\nText only, no months.\n"],
)
def test_parse_other_text_says_why(text):
    with pytest.raises(NewsletterTextError):
        parse_newsletter(text)
