"""Importing into the database: seed 002 as #006's English digest (round trip, wikitext
structure), speakers mapped to people, follow-ups confirmed, refusals, the command."""

from __future__ import annotations

import datetime as dt
import difflib
import re

import mwparserfromhell
import pytest
from django.core.management import CommandError, call_command

from clinicdesk.digests import queries
from clinicdesk.digests.importers.apply import ALL, import_digest
from clinicdesk.digests.importers.wikitext import parse_wikitext
from clinicdesk.digests.models import Digest, FollowUp, Item, Topic
from clinicdesk.digests.renderers import render_text, render_wikitext
from clinicdesk.scheduling import services as scheduling_services
from clinicdesk.scheduling.models import Person
from tests.digests.conftest import SEED_002


@pytest.fixture
def seed_people(db) -> dict[str, Person]:
    create = scheduling_services.create_person
    return {
        "quim": create(name="Quim", role=Person.Role.STAFF, organization="WMF"),
        "sele": create(name="Sele", role=Person.Role.STAFF, organization="WMF"),
        "melissa": create(name="Melissa", role=Person.Role.STAFF, organization="WMF"),
        "claudia": create(
            name="Claudia", affiliation="Wikimedia Mexico", attribution_consent="name"
        ),
        "anna": create(name="Anna", affiliation="Wikimedia Argentina", attribution_consent="name"),
    }


@pytest.fixture
def imported(held, seed_people, program) -> Digest:
    report = import_digest(SEED_002, program=program, confirm=ALL, publish=True)
    assert report.ok, report.lines()
    return Digest.objects.get(pk=report.digest_id)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def test_import_round_trip_keeps_the_seeds_words_in_order(imported):
    rendered = render_text(queries.digest_document(imported))
    seed, back = _words(SEED_002), _words(rendered)
    matcher = difflib.SequenceMatcher(None, seed, back, autojunk=False)
    kept = sum(block.size for block in matcher.get_matching_blocks()) / len(seed)
    # What is lost: the wiki's "Edit" glued to each heading, "16th" written "16,", the link
    # to the Spanish version that does not exist here, "Topic #3".
    assert kept >= 0.95
    assert round(kept, 3) == 0.993


def _seed_structure(text: str) -> list[tuple[str, list[int]]]:
    """Each heading of the rendered page with the depths of the bullets under it."""
    sections: list[tuple[str, list[int]]] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        bullet = re.match(r"^( *)• ", line)
        if bullet:
            sections[-1][1].append(len(bullet[1]) // 2)
        elif line.endswith("Edit"):
            title = re.sub(r"^Topic #?\d+: ", "", line.removesuffix("Edit")).strip()
            sections.append((title, []))
    return sections


def _wikitext_structure(wikitext: str) -> list[tuple[str, list[int]]]:
    code = mwparserfromhell.parse(wikitext)
    sections: list[tuple[str, list[int]]] = []
    depth = 0
    for node in code.nodes:
        if isinstance(node, mwparserfromhell.nodes.Heading):
            title = re.sub(r"^Topic #?\d+: ", "", node.title.strip_code().strip())
            sections.append((title, []))
        elif isinstance(node, mwparserfromhell.nodes.Tag) and str(node.tag) == "li":
            depth += 1
        elif depth:
            sections[-1][1].append(depth)
            depth = 0
    return sections


def test_import_wikitext_of_006_has_the_seeds_topics_and_bullets(imported):
    wikitext = render_wikitext(queries.digest_document(imported))
    expected = _seed_structure(SEED_002)
    assert [title for title, _ in expected] == [
        "Introduction",
        "quick principles",
        "Purpose of Wikimedia Clinics",
        "Impact of the pandemic on affiliates",
        "Question: How much support do you have to lead activities now?",
        "Needed support from the Foundation",
    ]
    assert _wikitext_structure(wikitext) == expected


def test_import_wikitext_reads_back_what_it_wrote(imported):
    wikitext = render_wikitext(queries.digest_document(imported))
    parsed = parse_wikitext(wikitext)
    assert parsed.problems == ()
    again = parsed.data
    assert (again.session_number, again.language, again.staff_count, again.volunteer_count) == (
        6,
        "en",
        7,
        10,
    )
    assert [t.title for t in again.topics] == [t.title for t in imported.topics.all()]
    first = again.topics[1].items[0]
    assert first.speaker.written == "Claudia from Wikimedia Mexico"
    assert [c.text[:20] for c in first.children] == [
        "Since March we have ",
        "In Mexico, the pande",
        "Museums used to only",
    ]
    # The follow-up it recorded is read back, with its status.
    [proposal] = again.proposals
    assert (proposal.status, proposal.due_date) == ("open", dt.date(2020, 7, 30))


def test_import_maps_speakers_to_people_and_keeps_labels(imported, seed_people):
    items = Item.objects.filter(topic__digest=imported)
    assert items.filter(speaker=seed_people["quim"]).count() == 5
    assert items.filter(speaker=seed_people["claudia"]).count() == 1
    assert items.filter(speaker=seed_people["anna"]).count() == 4
    assert sorted(set(items.exclude(speaker_label="").values_list("speaker_label", flat=True))) == [
        "Catalan volunteer",
        "Constanza (Wikimedia Argentina)",
        "Constanza from Wikimedia Argentina",
        "Volunteer from Venezuela",
        "a Catalan volunteer from Amical Wikimedia",
        "a volunteer from Wikimujeres",
        "volunteer",
        "volunteer from Spain",
        "volunteer from Venezuela",
        "volunteer from Wikimedia Venezuela",
    ]


def test_import_confirms_the_follow_up(imported, seed_people):
    [follow_up] = FollowUp.objects.all()
    assert follow_up.owner == seed_people["quim"]
    assert follow_up.requester_label == "volunteer from Spain"
    assert (
        follow_up.description == "will relay this message to the relevant person at the Foundation."
    )
    assert follow_up.due_date == dt.date(2020, 7, 30)
    assert follow_up.status == "open"
    item = Item.objects.get(follow_up=follow_up)
    assert item.kind == "follow_up"
    assert item.parent.speaker_label == "volunteer from Spain"


def test_import_publishes_and_indexes(imported, held):
    assert imported.is_published
    held.refresh_from_db()
    assert held.archive_topics["en"] == [
        "Impact of the pandemic on affiliates",
        "Needed support from the Foundation",
    ]
    assert imported.search_document.title.startswith("Wikimedia Clinics #006 · Introduction")


def test_import_dry_run_saves_nothing(held, seed_people, program):
    report = import_digest(SEED_002, program=program, confirm=ALL, dry_run=True)
    assert report.ok
    assert (report.topics, report.items, report.digest_id) == (3, 43, None)
    assert report.lines()[-1] == "dry run: nothing was saved"
    assert (Digest.objects.count(), Topic.objects.count(), FollowUp.objects.count()) == (0, 0, 0)


def test_import_without_confirmation_proposes_only(held, seed_people, program):
    report = import_digest(SEED_002, program=program)
    assert report.ok
    assert FollowUp.objects.count() == 0
    assert "proposed follow-up 1 (line 72): Quim (WMF): will relay this message" in "\n".join(
        report.lines()
    )


def test_import_refuses_a_second_version_in_the_same_language(imported, program):
    report = import_digest(SEED_002, program=program)
    assert report.failure == (
        "#006 already has a digest in this language (en); replace it to import again"
    )
    replaced = import_digest(SEED_002, program=program, replace=True)
    assert replaced.ok
    assert Digest.objects.count() == 1
    assert Digest.objects.get().pk != imported.pk


def test_import_a_text_that_is_not_a_digest_saves_nothing(held, program):
    report = import_digest("Dear all, see you on Tuesday!", program=program)
    assert not report.ok
    assert report.failure == "this text is not a digest (see the problems above)"
    assert Digest.objects.count() == 0


def test_import_needs_a_session_and_a_language(program, held):
    text = "== Tools ==\n* '''Quim (WMF)''': hello\n"
    assert import_digest(text, program=program).failure.startswith(
        "the text does not say which session"
    )
    assert import_digest(text, program=program, session_number=6).failure.startswith(
        "the text does not say which language"
    )
    assert import_digest(text, program=program, session_number=99, language="en").failure == (
        "Wikimedia Clinics has no session #099: import the program's page or schedule the "
        "session first"
    )
    assert import_digest(text, program=program, session_number=6, language="en").ok


def test_import_follow_up_owned_by_a_volunteer_is_not_confirmed(held, program):
    text = "== Tools ==\n* '''Claudia from Wikimedia Mexico''': We will send the slides.\n"
    report = import_digest(text, program=program, session_number=6, language="en", confirm=ALL)
    assert report.ok
    assert FollowUp.objects.count() == 0
    assert any("is not a staff member" in p.message for p in report.problems)


def test_import_digests_command_imports_each_file_in_its_own_transaction(
    tmp_path, held, seed_people, program, capsys
):
    good = tmp_path / "006-en.txt"
    good.write_text(SEED_002, encoding="utf-8")
    bad = tmp_path / "notes.txt"
    bad.write_text("Dear all, see you on Tuesday!", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    with pytest.raises(CommandError, match="2 of 3 file"):
        call_command(
            "import_digests",
            str(bad),
            str(good),
            str(missing),
            "--program",
            program.slug,
            "--confirm-follow-ups",
            "--publish",
        )
    out = capsys.readouterr()
    assert f"[1/3] {bad}" in out.out
    assert f"[2/3] {good}" in out.out
    assert "imported: the en digest of #006: 3 topic(s), 43 item(s)" in out.out
    assert "1 of 3 file(s) imported in" in out.out
    assert "cannot read the file" in out.err
    assert Digest.objects.filter(status="published").count() == 1


def test_import_digests_command_unknown_program(tmp_path, db):
    with pytest.raises(CommandError, match="there is no program nope"):
        call_command("import_digests", str(tmp_path / "x.txt"), "--program", "nope")
