"""The program page's generated parts as wikitext: pure, no database."""

import datetime as dt

from clinicdesk.publishing.programpage import (
    ArchiveRow,
    DigestLink,
    ScheduledTopic,
    UpcomingCall,
    archive_wikitext,
    program_parts,
    upcoming_wikitext,
)

CALL_010 = UpcomingCall(
    number=10,
    title="Wikimedia Clinic #010",
    page_url="https://clinicdesk.example/programs/wikimedia-clinics/sessions/10/",
    starts_at=dt.datetime(2020, 9, 15, 13, 0, tzinfo=dt.UTC),
    meeting_url="https://meet.google.com/abc",
    topics=(ScheduledTopic("Abstract Wikipedia", "Denny Vrandečić"),),
)


def test_upcoming_call_in_utc_with_local_time_link_meeting_link_and_topic():
    assert upcoming_wikitext([CALL_010], language="en") == (
        "* '''[https://clinicdesk.example/programs/wikimedia-clinics/sessions/10/ "
        "Wikimedia Clinic #010]''', Tuesday, September 15, 2020, 13:00 UTC "
        "([https://clinicdesk.example/programs/wikimedia-clinics/sessions/10/ your local time]), "
        "[https://meet.google.com/abc meeting link]. "
        "Scheduled topic: Abstract Wikipedia with Denny Vrandečić."
    )


def test_upcoming_call_in_the_wikis_language():
    text = upcoming_wikitext([CALL_010], language="es")
    assert "martes, 15 de septiembre de 2020, 13:00 UTC" in text
    assert "Tema programado: Abstract Wikipedia con Denny Vrandečić." in text


def test_upcoming_call_without_time_cancelled_and_none():
    undated = UpcomingCall(number=11, title="#011", page_url="https://x/11/")
    day_only = UpcomingCall(
        number=12, title="#012", page_url="https://x/12/", date=dt.date(2030, 1, 9)
    )
    cancelled = UpcomingCall(
        number=13,
        title="#013",
        page_url="https://x/13/",
        date=dt.date(2030, 1, 20),
        meeting_url="https://meet/x",
        cancelled=True,
    )
    text = upcoming_wikitext([undated, day_only, cancelled], language="en")
    assert "'''[https://x/11/ #011]''', date to be discussed." in text
    assert "Wednesday, January 9, 2030 (time to be announced)." in text
    assert "'''Cancelled.'''" in text
    assert "https://meet/x" not in text
    assert upcoming_wikitext([], language="en") == "No calls are scheduled yet."


def test_user_text_cannot_make_wiki_structure():
    sneaky = UpcomingCall(
        number=14,
        title="[[Category:Spam]] {{Delete}}",
        page_url="https://x/14/",
        topics=(ScheduledTopic("<script>~~~~", "a|b"),),
    )
    text = upcoming_wikitext([sneaky], language="en")
    assert "[[Category" not in text
    assert "{{" not in text
    assert "<script>" not in text
    assert "~~~~" not in text
    assert "&#91;&#91;Category:Spam&#93;&#93; &#123;&#123;Delete&#125;&#125;" in text


ROW_006 = ArchiveRow(
    number=6,
    date=dt.date(2020, 7, 16),
    topics=(
        (
            "es",
            ("Impacto de la pandemia en los afiliados", "Apoyo que se necesita de la Fundación"),
        ),
        ("en", ("Impact of the pandemic on affiliates", "Needed support from the Foundation")),
    ),
    languages=("es", "en"),
    digests=(
        DigestLink("en", "Wikimedia Clinics/006/en"),
        DigestLink("es", "Wikimedia Clinics/006/es"),
    ),
)
ROW_001 = ArchiveRow(number=1, date=dt.date(2020, 6, 15), languages=("en",))


def test_archive_table_with_topics_side_by_side_and_digest_links():
    assert archive_wikitext([ROW_001, ROW_006], language="en") == "\n".join(
        [
            '{| class="wikitable"',
            "! # !! date !! topics !! languages !! digests",
            "|-",
            "| 001",
            "| Jun 15, 2020",
            "|",
            "| English",
            "| ",
            "|-",
            "| [[Wikimedia Clinics/006/en|006]]",
            "| Jul 16, 2020",
            "|",
            '{| class="wikitable"',
            "! Español !! English",
            "|-",
            "| Impacto de la pandemia en los afiliados || Impact of the pandemic on affiliates",
            "|-",
            "| Apoyo que se necesita de la Fundación || Needed support from the Foundation",
            "|}",
            "| Spanish, English",
            "| [[Wikimedia Clinics/006/en|English]] · [[Wikimedia Clinics/006/es|Español]]",
            "|}",
        ]
    )


def test_archive_table_single_language_topics_are_a_list():
    row = ArchiveRow(
        number=10, date=dt.date(2020, 9, 15), topics=(("en", ("Abstract Wikipedia",)),)
    )
    assert "|\n* Abstract Wikipedia\n" in archive_wikitext([row], language="en")


def test_archive_digest_without_wiki_title_links_clinicdesk():
    row = ArchiveRow(
        number=7, date=None, digests=(DigestLink("en", "", "https://clinicdesk.example/d/7/en/"),)
    )
    assert "[https://clinicdesk.example/d/7/en/ English]" in archive_wikitext([row], language="en")


def test_program_parts_have_headings_in_the_wikis_language():
    upcoming, archive = program_parts([CALL_010], [ROW_006], language="es")
    assert (upcoming.name, upcoming.heading) == ("upcoming", "Próximas llamadas")
    assert (archive.name, archive.heading) == (
        "archive",
        "Archivo de resúmenes de llamadas pasadas",
    )
    assert "! # !! fecha !! temas !! idiomas !! resúmenes" in archive.text
