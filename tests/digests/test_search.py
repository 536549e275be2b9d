"""Full-text search over published digests: the same tests on SQLite (FTS5) and PostgreSQL
(run them with DATABASE_URL=postgresql://… to check the second)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from clinicdesk.digests import services
from clinicdesk.digests.search import (
    MARK_END,
    MARK_START,
    SearchQuery,
    Terms,
    fts5_expression,
    highlight,
    parse_query,
    run_search,
    snippet,
)
from clinicdesk.scheduling import services as scheduling_services
from tests.conftest import make_session


def _publish(session, language, title, texts, people=None):
    digest = services.create_digest(session=session, language=language, introduction=False)
    topic = services.add_topic(digest=digest, title=title)
    for text in texts:
        services.add_item(topic=topic, text=text, speaker=people)
    services.publish_digest(digest=digest)
    return digest


@pytest.fixture
def library(program, people):
    """Three published digests (two programs, two languages, two dates) and a draft."""
    s6 = make_session(program, 6, start_date=dt.date(2020, 7, 16))
    s7 = make_session(program, 7, start_date=dt.date(2020, 8, 5))
    other = scheduling_services.create_program(name="Let's Connect", slug="lets-connect")
    s1 = make_session(other, 1, start_date=dt.date(2021, 3, 1))
    return {
        "pandemic": _publish(
            s6,
            "en",
            "Impact of the pandemic on affiliates",
            [
                "Since March we have adapted everything to online events.",
                "We had some Suena Wiki podcasts with a human rights organization.",
            ],
            people["claudia"],
        ),
        "spanish": _publish(
            s6,
            "es",
            "Impacto de la pandemia",
            ["Desde marzo adaptamos todo a eventos en línea."],
        ),
        "grants": _publish(
            s7,
            "en",
            "Needed support from the Foundation",
            ["Financing our affiliate work through grant proposals takes a lot of time."],
        ),
        "connect": _publish(
            s1, "en", "Learning clinic", ["Online events for newcomers need follow-up meetings."]
        ),
        "draft": services.create_digest(
            session=make_session(program, 8, start_date=dt.date(2020, 8, 10)), language="en"
        ),
    }


def _found(query: SearchQuery) -> list[int]:
    return [hit.digest_id for hit in run_search(query).hits]


def test_search_finds_published_digests_by_word(library):
    assert _found(SearchQuery("podcasts")) == [library["pandemic"].pk]
    assert _found(SearchQuery("grant")) == [library["grants"].pk]
    assert _found(SearchQuery("nothing-like-this")) == []


def test_search_every_word_must_appear(library):
    assert set(_found(SearchQuery("online events"))) == {
        library["pandemic"].pk,
        library["connect"].pk,
    }
    assert _found(SearchQuery("online podcasts")) == [library["pandemic"].pk]


def test_search_phrase_and_exclusion(library):
    assert _found(SearchQuery('"human rights organization"')) == [library["pandemic"].pk]
    assert _found(SearchQuery('"rights human"')) == []
    assert _found(SearchQuery("online -newcomers")) == [library["pandemic"].pk]


def test_search_filters_program_language_and_dates(library, program):
    assert _found(SearchQuery("online", program_id=program.pk)) == [library["pandemic"].pk]
    assert _found(SearchQuery("marzo", language="es")) == [library["spanish"].pk]
    assert _found(SearchQuery("marzo", language="en")) == []
    assert set(_found(SearchQuery("online", date_from=dt.date(2021, 1, 1)))) == {
        library["connect"].pk
    }
    assert set(_found(SearchQuery("online", date_to=dt.date(2020, 12, 31)))) == {
        library["pandemic"].pk
    }


def test_search_title_ranks_first(library, program):
    s9 = make_session(program, 9, start_date=dt.date(2020, 8, 21))
    titled = _publish(s9, "en", "Podcasts", ["A call about audio."])
    assert _found(SearchQuery("podcasts")) == [titled.pk, library["pandemic"].pk]


def test_search_snippet_marks_each_match(library):
    [hit] = run_search(SearchQuery("podcasts")).hits
    assert f"{MARK_START}podcasts{MARK_END}" in hit.snippet
    assert str(highlight(hit.snippet)).count("<mark>podcasts</mark>") == 1


def test_search_never_finds_drafts_or_unpublished_versions(library):
    assert library["draft"].pk not in _found(SearchQuery("introduction"))
    services.unpublish_digest(digest=library["grants"])
    assert _found(SearchQuery("grant")) == []


def test_search_follows_edits(library):
    topic = library["grants"].topics.get()
    services.add_item(topic=topic, text="IdeaLab is a space to brainstorm.")
    assert _found(SearchQuery("idealab")) == [library["grants"].pk]


def test_search_does_not_index_who_spoke(library):
    assert _found(SearchQuery("Claudia")) == []


def test_search_pages(library, program):
    for number in range(10, 13):
        session = make_session(program, number, start_date=dt.date(2020, 9, number))
        _publish(session, "en", "Online events", ["More online events."])
    first = run_search(SearchQuery("online", limit=2))
    assert (len(first.hits), first.has_more) == (2, True)
    last = run_search(SearchQuery("online", limit=2, offset=4))
    assert (len(last.hits), last.has_more) == (1, False)


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '"unclosed phrase',
        "NEAR(online events)",
        "online OR podcasts",
        "* ^ : ( ) { } [ ]",
        "col:online",
        "online AND NOT",
        "-online",
        "'; DROP TABLE digests_digest; --",
        "é ü ñ 漢字 العربية",
        "a" * 1000,
    ],
)
def test_search_any_query_text_is_safe(library, text):
    found = run_search(SearchQuery(text))
    assert isinstance(found.hits, tuple)


def test_search_operators_are_words(library):
    # "NEAR" is a word to look for, not an operator: no digest has it.
    assert _found(SearchQuery("online NEAR podcasts")) == []


def test_search_query_parsing():
    assert parse_query('online "human rights" -podcast Online') == Terms(
        words=("online",), phrases=(("human", "rights"),), excluded=("podcast",)
    )
    assert parse_query('"one"') == Terms(words=("one",))
    assert parse_query("-only") == Terms(excluded=("only",))
    assert parse_query("-only").is_empty
    assert len(parse_query(" ".join(f"w{i}" for i in range(40))).words) == 12
    assert fts5_expression(parse_query('a "b c" -d')) == '("a" AND "b c") NOT ("d")'


def test_search_runs_on_this_database():
    assert connection.vendor in {"sqlite", "postgresql"}


def test_search_snippet_is_cut_around_the_first_match():
    body = (
        " ".join(f"word{i}" for i in range(60))
        + " We held online events in línea.\nMore words after."
    )
    assert snippet(body, parse_query("events linea"), words=12) == (
        f"…word59 We held online {MARK_START}events{MARK_END} in {MARK_START}línea{MARK_END}. "
        "More words after."
    )


def test_search_snippet_marks_phrases_and_stems():
    body = "Webinars on human rights, and one more event for human rights defenders."
    assert snippet(body, parse_query('"human rights" events')) == (
        f"Webinars on {MARK_START}human rights{MARK_END}, and one more "
        f"{MARK_START}event{MARK_END} for {MARK_START}human rights{MARK_END} defenders."
    )


@pytest.mark.parametrize("shift", [-8, -3, -1, 0, 1, 3])
def test_search_snippet_finds_a_match_far_into_a_long_text_at_any_piece_boundary(shift):
    # Long texts are lowered a piece (2,048 characters) at a time: a match that starts
    # near a boundary, or runs across it, is found and marked whole.
    filler = "x" * (2 * 2048 + shift - 1)
    body = filler + " Podcasts for Everyone. And podcasts again."
    text = snippet(body, parse_query('"podcasts for everyone"'))
    assert f"{MARK_START}Podcasts for Everyone{MARK_END}" in text
    assert text.startswith("…")
    assert text.endswith("again.")


def test_search_snippet_never_marks_a_word_that_starts_before_a_piece_boundary():
    # "xpodcasts" is no match, even where the boundary falls just before "podcasts".
    body = "a " + "x" * (2048 - 2) + "podcasts then" + " more" * 100 + " real podcasts"
    text = snippet(body, parse_query("podcasts"))
    assert text.count(MARK_START) == 1
    assert text.endswith(f"more real {MARK_START}podcasts{MARK_END}")


def test_search_snippet_with_a_letter_that_lowers_to_two():
    # "İ" lowers to two characters: matching falls back to IGNORECASE on the text as it is.
    assert snippet("İstanbul hosted online Events.", parse_query("events")) == (
        f"İstanbul hosted online {MARK_START}Events{MARK_END}."
    )
    body = "Events " + "y " * 1500 + "İzmir and more events."
    text = snippet(body, parse_query("events"))
    assert text.startswith(f"{MARK_START}Events{MARK_END} y y")


def test_search_snippet_marks_a_phrase_whose_later_word_has_an_accent():
    # The phrase is found as written up to "en", then only the accented pattern matches.
    body = "Reuniones en línea cada mes, y más en línea después."
    assert snippet(body, parse_query('"en linea"')) == (
        f"Reuniones {MARK_START}en línea{MARK_END} cada mes, y más {MARK_START}en línea{MARK_END} "
        "después."
    )


def test_search_snippet_in_a_text_that_cannot_be_lowered_finds_the_first_match_in_any_case():
    body = "İstanbul. " + "word " * 30 + "Such meetings helped; such spaces too."
    assert snippet(body, parse_query("such"), words=6).startswith(
        f"…word word {MARK_START}Such{MARK_END} meetings"
    )


def test_search_snippet_without_a_match_starts_the_text():
    assert snippet("A short digest about tools.", parse_query("podcast")) == (
        "A short digest about tools."
    )


def test_search_ranks_a_very_common_query_among_its_most_recent_matches(
    library, program, monkeypatch
):
    from clinicdesk.digests import search

    monkeypatch.setattr(search, "MAX_RANKED", 2)
    s9 = make_session(program, 9, start_date=dt.date(2020, 8, 21))
    newest = _publish(s9, "en", "Online", ["Online events, online."])
    assert _found(SearchQuery("online")) == [newest.pk, library["connect"].pk]


@pytest.fixture
def many_candidates(program):
    """Fourteen digests with both words of "online events", the phrase in every third."""
    digests = []
    for number in range(20, 34):
        session = make_session(
            program, number, start_date=dt.date(2021, 1, 1) + dt.timedelta(number)
        )
        text = (
            "We moved to online events this year."
            if number % 3 == 0
            else "Events were held online, and the community met."
        )
        digests.append(_publish(session, "en", f"Call {number}", [text]))
    return digests


@pytest.mark.parametrize(
    "text",
    [
        '"online events"',
        '"events online"',
        'community "online events"',
        '"online events" -moved',
        '"held online" "community met"',
    ],
)
def test_search_phrase_finds_what_the_single_statement_finds(
    many_candidates, program, monkeypatch, text
):
    """On PostgreSQL a phrase is checked candidate by candidate, newest first, a chunk at a
    time (with three ranked, chunks of six): the same page as the single statement's."""
    from clinicdesk.digests import search

    monkeypatch.setattr(search, "PG_MAX_RANKED", 3)
    for query in (SearchQuery(text, limit=2), SearchQuery(text, program_id=program.pk)):
        terms = parse_query(query.text)
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in search.setup_sql():
                cursor.execute(statement)
            postgresql = connection.vendor == "postgresql"
            tsquery = search.pg_tsquery(cursor, query, terms) if postgresql else ""
            sql, params = search.raw_sql(query, terms, tsquery)
            cursor.execute(sql, params)
            expected = [row[0] for row in cursor.fetchall()]
        with transaction.atomic(), connection.cursor() as cursor:
            got = [row[0] for row in search.fetch_rows(cursor, query, terms)]
        assert got == expected


def test_search_phrase_is_ranked_among_its_most_recent_matches(many_candidates, monkeypatch):
    from clinicdesk.digests import search

    monkeypatch.setattr(search, "PG_MAX_RANKED", 3)
    monkeypatch.setattr(search, "MAX_RANKED", 3)
    phrase = [d.pk for d in many_candidates[1::3][::-1]]  # numbers 33, 30, 27, ...: newest first
    assert sorted(_found(SearchQuery('"online events"', limit=10)), reverse=True) == phrase[:3]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="how PostgreSQL writes a tsquery")
@pytest.mark.django_db
def test_postgresql_query_has_each_form_of_its_words_once():
    from clinicdesk.digests.search import pg_tsquery

    text = '"online events" -podcasts'
    with connection.cursor() as cursor:
        written = pg_tsquery(cursor, SearchQuery(text), parse_query(text))
    # Seven configurations (the site's languages and "simple") stem these words three ways.
    assert written == (
        "( ( 'onlin' <-> 'event' ) | ( 'onlin' <-> 'events' ) | ( 'online' <-> 'events' ) )"
        " & !( ( 'podcast' ) | ( 'podcasts' ) )"
    )
