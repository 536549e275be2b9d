"""Versions in other languages: a translation copies the structure untranslated, links both
ways, and is marked outdated item by item when its source changes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from clinicdesk.digests import documents as d
from clinicdesk.digests import queries, services
from clinicdesk.digests.models import Digest, Item, Topic
from clinicdesk.digests.renderers import render_html, render_wikitext
from clinicdesk.scheduling import services as scheduling_services


@pytest.fixture
def spanish(digest) -> Digest:
    return services.start_translation(source=digest, language="es")


def _states(digest: Digest) -> list[tuple[str, str]]:
    rows = []
    for topic in queries.editor_topics(digest):
        rows.append((topic.title, queries.unit_state(topic)))
        rows += [(row.item.text[:20], row.state) for row in queries.editor_rows(topic)]
    return rows


def test_translation_copies_the_structure_untranslated(digest, spanish):
    assert spanish.source == digest
    assert _states(spanish) == [
        ("Impact of the pandemic on affiliates", "untranslated"),
        ("We adapted everythin", "untranslated"),
        ("Thank you for sharin", "untranslated"),
        ("How much support do ", "untranslated"),
        ("this call was held i", "untranslated"),
        ("will relay this mess", "untranslated"),
    ]
    # The same speakers, follow-up and structure.
    theirs = Item.objects.filter(topic__digest=digest).order_by("pk")
    ours = Item.objects.filter(topic__digest=spanish).order_by("pk")
    assert [(i.kind, i.speaker_id, i.follow_up_id) for i in ours] == [
        (i.kind, i.speaker_id, i.follow_up_id) for i in theirs
    ]
    assert queries.translation_summary(spanish) == {"untranslated": 6, "outdated": 0}


def test_translation_saved_text_is_current_and_source_change_marks_it_outdated(digest, spanish):
    topic = spanish.topics.get()
    services.update_topic(topic=topic, title="Impacto de la pandemia en los afiliados")
    statement = Item.objects.get(topic=topic, parent=None, kind="statement")
    services.update_item(item=statement, text="Adaptamos todo para que fuera *solo en línea*.")
    question = Item.objects.get(topic=topic, kind="question")
    services.update_item(item=question, text="¿Cuánto apoyo tienen para organizar actividades?")
    assert [state for _, state in _states(spanish)] == [
        "current",
        "current",
        "untranslated",
        "current",
        "untranslated",
        "untranslated",
    ]
    # The English statement changes: only its Spanish counterpart is outdated.
    source_statement = Item.objects.get(topic__digest=digest, parent=None, kind="statement")
    services.update_item(item=source_statement, text="We adapted everything to be online.")
    assert [state for _, state in _states(spanish)] == [
        "current",
        "outdated",
        "untranslated",
        "current",
        "untranslated",
        "untranslated",
    ]
    assert queries.translation_summary(spanish) == {"untranslated": 3, "outdated": 1}
    # Confirming it still says the same, or saving it again, makes it current.
    services.mark_current(unit=Item.objects.get(pk=statement.pk))
    assert _states(spanish)[1][1] == "current"


def test_source_unit_added_or_removed_follows_into_the_translation(digest, spanish, people):
    source_topic = digest.topics.get()
    added = services.add_item(
        topic=source_topic, speaker=people["sele"], text="One effort is IdeaLab."
    )
    copy = Item.objects.get(source=added)
    assert (copy.topic.digest, copy.text, copy.source_revision) == (
        spanish,
        "One effort is IdeaLab.",
        None,
    )
    services.add_topic(digest=digest, title="Needed support from the Foundation")
    assert [t.title for t in spanish.topics.order_by("position")] == [
        "Impact of the pandemic on affiliates",
        "Needed support from the Foundation",
    ]
    services.delete_item(item=added)
    assert not Item.objects.filter(pk=copy.pk).exists()


def test_speaker_chosen_in_the_source_follows_into_the_translation(digest, spanish, people):
    statement = Item.objects.get(topic__digest=digest, parent=None, kind="statement")
    services.update_item(item=statement, speaker_level="anonymous")
    doc = queries.digest_document(spanish)
    assert "Claudia" not in render_wikitext(doc)
    copy = Item.objects.get(source=statement)
    with pytest.raises(ValidationError) as caught:
        services.update_item(item=copy, speaker_level="")
    assert caught.value.message_dict == {
        "speaker": ["The speaker is chosen in the version this one translates."]
    }


def test_versions_link_to_each_other_once_published(digest, spanish):
    services.update_topic(topic=spanish.topics.get(), title="Impacto de la pandemia")
    services.publish_digest(digest=digest)
    english = queries.digest_document(digest)
    assert english.other_versions == ()  # the Spanish version is still a draft
    services.publish_digest(digest=spanish)
    english = queries.digest_document(digest)
    assert [v.language for v in english.other_versions] == ["es"]
    # Without a wiki page prefix, the wikitext links the site's page.
    assert (
        "And here is the [http://127.0.0.1:8000/programs/wikimedia-clinics/sessions/6/digests/"
        "es/ Spanish digest]." in render_wikitext(queries.digest_document(digest, absolute=True))
    )
    assert (
        'And here is the <a href="/programs/wikimedia-clinics/sessions/6/digests/es/" '
        'hreflang="es" rel="noopener noreferrer nofollow">Spanish digest</a>.'
    ) in render_html(english)
    spanish_doc = queries.digest_document(spanish)
    assert [v.language for v in spanish_doc.other_versions] == ["en"]
    assert "Y aquí tienes el <a" in render_html(spanish_doc)


def test_spanish_version_is_phrased_in_spanish(digest, spanish, people):
    services.update_topic(
        topic=spanish.topics.get(), title="Impacto de la pandemia en los afiliados"
    )
    scheduling_services.update_program(
        program=digest.session.program, wiki_page_prefix="Wikimedia Clinics"
    )
    services.publish_digest(digest=digest)
    text = render_wikitext(queries.digest_document(spanish))
    assert text.startswith(
        "Esto es un resumen (editado y procesado) de la llamada en línea Wikimedia Clinics "
        "#006, celebrada el 16 de julio de 2020, en español. Sacrifica la fidelidad a las "
        "palabras exactas de las personas en favor de la claridad, la brevedad y la "
        "digeribilidad. Esta es la versión en español del resumen. Y aquí tienes el "
        "[[Wikimedia Clinics/006/en|resumen en inglés]].\n"
    )
    assert (
        "A la llamada asistieron 7 miembros del personal de Wikimedia Foundation y 10 personas "
        "voluntarias." in text
    )
    assert "== Tema 1: Impacto de la pandemia en los afiliados ==" in text
    assert "* '''Claudia de Wikimedia Mexico''': We adapted" in text
    assert "=== Pregunta: How much support" in text
    assert "(this call was held in Spanish —N. del E.)" in text
    assert (
        "— ''Seguimiento para una persona voluntaria de Wikimedia Venezuela: abierto, vence el "
        "30 de julio de 2020''" in text
    )


def test_untranslated_text_is_marked_in_its_own_language(digest, spanish):
    doc = queries.digest_document(spanish, public=False)
    [topic] = doc.topics
    assert topic.items[0].state == d.UNTRANSLATED
    assert topic.items[0].text_language == "en"
    assert '<li class="statement untranslated" lang="en">' in render_html(doc)


def test_translation_refusals(digest, spanish, held):
    with pytest.raises(ValidationError) as caught:
        services.start_translation(source=digest, language="es")
    assert caught.value.message_dict == {
        "language": [
            "#006 already has a digest in Spanish: open it to translate, or delete it first."
        ]
    }
    with pytest.raises(ValidationError) as caught:
        services.start_translation(source=digest, language="en")
    assert caught.value.message_dict == {
        "language": ["A translation is written in another language than its source."]
    }
    # A version cannot translate its own translation.
    with pytest.raises(ValidationError) as caught:
        services.link_translation(digest=digest, source=spanish)
    assert caught.value.message_dict == {
        "source": [
            "The Spanish version is itself translated from this one: a version cannot "
            "translate its own translation."
        ]
    }
    french = services.start_translation(source=spanish, language="fr")
    with pytest.raises(ValidationError):
        services.link_translation(digest=digest, source=french)  # en <- es <- fr
    digest.refresh_from_db()
    assert digest.source is None


def test_link_versions_written_separately(held, people):
    english = services.create_digest(session=held, language="en", introduction=False)
    topic = services.add_topic(digest=english, title="Tools")
    services.add_item(topic=topic, speaker=people["quim"], text="hello")
    spanish = services.create_digest(session=held, language="es", introduction=False)
    copy = services.add_topic(digest=spanish, title="Herramientas")
    services.add_item(topic=copy, speaker=people["quim"], text="hola")
    services.link_translation(digest=spanish, source=english)
    assert [state for _, state in _states(spanish)] == ["current", "current"]
    services.update_item(item=Item.objects.get(topic=topic), text="hello again")
    assert [state for _, state in _states(spanish)] == ["current", "outdated"]
    assert Topic.objects.get(pk=copy.pk).source == topic
