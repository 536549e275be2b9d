"""``manage.py import_newsletter``: the seed's text into a program, and a clear error for a
text that is not a newsletter page."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from clinicdesk.demo import seed_path
from clinicdesk.newsletters.models import Issue, Opportunity


def test_import_newsletter_command_imports_the_seed_as_a_draft(program):
    out = io.StringIO()

    call_command(
        "import_newsletter", str(seed_path("003")), program=program.slug, draft=True, stdout=out
    )

    issue = Issue.objects.get()
    assert (issue.number, issue.status, issue.issue_date.isoformat()) == (21, "draft", "2024-12-01")
    assert out.getvalue() == "newsletter issue 21: 11 sessions, 2 opportunities, 6 stories\n"
    assert Opportunity.objects.count() == 2


def test_import_newsletter_command_refuses_other_text(program, tmp_path):
    text = tmp_path / "digest.txt"
    text.write_text(seed_path("002").read_text(encoding="utf-8"), encoding="utf-8")

    with pytest.raises(CommandError) as error:
        call_command("import_newsletter", str(text), program=program.slug)

    assert "This is not a rendered newsletter page" in str(error.value)
    assert not Issue.objects.exists()
