"""Another app's content through the publishing sources: pages on the real MediaWiki (first
publish, republish by the sweep when the stamp moves, no edit when nothing changed, withdrawn
when no longer listed, preview) and e-mails to lists through the real SMTP server.

The source here is a small real one over the record: a "call card" page per session and
language, and an e-mail per session."""

from __future__ import annotations

import html

import pytest
from django.utils.translation import gettext as _

from clinicdesk.outbox.emails import Attachment
from clinicdesk.publishing import queries, services, sources
from clinicdesk.publishing.markers import Part
from clinicdesk.publishing.models import ListMessage, WikiPage
from clinicdesk.scheduling import services as scheduling_services
from clinicdesk.scheduling.models import ClinicSession
from tests.conftest import make_session
from tests.publishing.conftest import work
from tests.support.mail import html_body, text_body

pytestmark = pytest.mark.django_db


class CallCards(sources.Source):
    kind = "call-cards"
    label = "call card"

    def pages(self, target):
        sessions = ClinicSession.objects.filter(program=target.program).exclude(
            status=ClinicSession.Status.CANCELLED
        )
        return [
            sources.PageSpec(
                key=f"{s.pk}:{language}",
                title=f"{target.program_page_title}/Card {s.number:03d}/{language}",
                language=language,
            )
            for s in sessions.order_by("number")
            for language in ("en", "es")
        ]

    def parts(self, target, key):
        session_id, language = key.split(":")
        session = ClinicSession.objects.filter(pk=session_id).first()
        if session is None:
            return None
        return (Part("card", f"'''{session.display_title}''' ({language})"),)

    def stamp(self, target):
        return str(type(target.program).objects.get(pk=target.program_id).content_version)

    def compose(self, message):
        session = ClinicSession.objects.get(pk=message.source_key)
        subject = _("Card: %(title)s") % {"title": session.display_title}
        return sources.MailContent(
            subject=subject,
            text=f"{session.display_title}\n",
            html=f"<p>{html.escape(session.display_title)}</p>",
            headers={"Auto-Submitted": "auto-generated"},
            attachments=(Attachment("card.txt", b"card", "text/plain"),),
        )

    def still_wanted(self, message, now):
        return not ClinicSession.objects.get(pk=message.source_key).is_cancelled


@pytest.fixture
def cards():
    source = sources.register(CallCards())
    yield source
    sources.unregister(source.kind)


def card_pages(target) -> dict[str, WikiPage]:
    return {
        page.source_key: page
        for page in target.pages.filter(kind=WikiPage.Kind.SOURCE, source_kind="call-cards")
    }


def test_source_pages_publish_republish_on_change_and_withdraw(program, make_target, wiki, cards):
    first = make_session(program, 1)
    target = make_target(program)

    assert services.publish_source_pages(program=program, kind="call-cards") == 2
    work()

    pages = card_pages(target)
    assert set(pages) == {f"{first.pk}:en", f"{first.pk}:es"}
    english = pages[f"{first.pk}:en"]
    assert english.state == WikiPage.State.PUBLISHED
    assert english.title == f"{target.program_page_title}/Card 001/en"
    assert english.kind_label == "call card"
    on_wiki = wiki.page(english.title)["content"]
    assert on_wiki == (
        "<!-- clinicdesk:begin card -->\n'''Wikimedia Clinics #001''' (en)\n"
        "<!-- clinicdesk:end card -->"
    )
    assert english.revision_id == wiki.page(english.title)["revid"]

    # The sweep: nothing changed, no card is queued (the program page, never published,
    # is the target's own business).
    services.queue_changed_pages()
    assert {p.state for p in card_pages(target).values()} == {WikiPage.State.PUBLISHED}

    # A second session: its pages appear (new) and are published by the sweep; a new title
    # for #001 changes its text: one new revision; the Spanish page too.
    make_session(program, 2, start_date=first.start_date)
    scheduling_services.update_session(session=first, title="Lua modules")
    revisions = wiki.revision_count(english.title)
    services.queue_changed_pages()
    assert {p.state for p in card_pages(target).values()} == {WikiPage.State.PENDING}
    work()
    assert wiki.revision_count(english.title) == revisions + 1
    assert "'''Lua modules''' (en)" in wiki.page(english.title)["content"]
    assert len(card_pages(target)) == 4

    # Cancelled: no longer listed, so its pages are withdrawn and left on the wiki as they are.
    scheduling_services.cancel_session(session=first)
    services.queue_changed_pages()
    work()
    english.refresh_from_db()
    assert english.state == WikiPage.State.WITHDRAWN
    assert "'''Lua modules''' (en)" in wiki.page(english.title)["content"]
    assert wiki.revision_count(english.title) == revisions + 1

    shown = queries.source_pages(program, "call-cards", [f"{first.pk}:en", f"{first.pk}:es"])
    assert [(p.title[-11:], p.state) for p in shown] == [
        ("Card 001/en", "withdrawn"),
        ("Card 001/es", "withdrawn"),
    ]


def test_source_page_preview_is_the_wikis_rendering(program, make_target, wiki, cards):
    session = make_session(program, 1)
    target = make_target(program)
    services.sync_pages(target=target)
    page = card_pages(target)[f"{session.pk}:en"]

    preview = services.preview_page(page=page)

    assert preview.exists is False
    assert preview.parts == (Part("card", "'''Wikimedia Clinics #001''' (en)"),)
    assert "<b>Wikimedia Clinics #001</b> (en)" in preview.html
    assert not wiki.page(page.title)  # a preview writes nothing


def test_source_page_of_a_source_no_longer_registered_is_withdrawn(program, make_target, cards):
    make_session(program, 1)
    target = make_target(program)
    services.sync_pages(target=target)
    sources.unregister("call-cards")
    page = next(iter(card_pages(target).values()))

    services.request_publishing(target=target, pages=[page])
    work()

    page.refresh_from_db()
    assert page.state == WikiPage.State.WITHDRAWN
    assert page.kind_label == "call-cards"  # its kind, as stored, for organizers


def test_source_email_goes_once_per_list_in_the_lists_language(mailbox, program, cards):
    session = make_session(program, 1)
    services.set_list_sender(program=program, name="Wikimedia Clinics", address="c@example.org")
    english = services.create_mailing_list(
        program=program, name="Wikimedia-l", address="wikimedia-l@example.org", language="en"
    )
    services.create_mailing_list(
        program=program, name="Closed", address="closed@example.org", is_active=False
    )

    made = services.queue_source_email(program=program, kind="call-cards", key=str(session.pk))
    again = services.queue_source_email(program=program, kind="call-cards", key=str(session.pk))
    work(queue="email")

    assert [m.mailing_list for m in made] == [english]
    assert again == []
    [message] = mailbox.messages
    assert message["To"] == "wikimedia-l@example.org"
    assert message["From"] == "Wikimedia Clinics <c@example.org>"
    assert message["Subject"] == "Card: Wikimedia Clinics #001"
    assert message["Auto-Submitted"] == "auto-generated"
    assert text_body(message) == "Wikimedia Clinics #001\n"
    assert html_body(message) == "<p>Wikimedia Clinics #001</p>"
    assert [a.get_filename() for a in message.iter_attachments()] == ["card.txt"]
    stored = ListMessage.objects.get()
    assert (stored.status, stored.kind_label, stored.subject) == (
        "sent",
        "call card",
        "Card: Wikimedia Clinics #001",
    )
    assert queries.source_messages(program, "call-cards", [str(session.pk)]) == [stored]


def test_source_email_no_longer_wanted_is_skipped(mailbox, program, cards):
    session = make_session(program, 1)
    services.create_mailing_list(program=program, name="L", address="l@example.org")
    services.queue_source_email(program=program, kind="call-cards", key=str(session.pk))
    scheduling_services.cancel_session(session=session)

    work(queue="email")

    assert mailbox.messages == []
    assert ListMessage.objects.get().status == ListMessage.Status.SKIPPED


def test_unknown_source_kind_is_refused(program):
    with pytest.raises(ValueError, match="no publishing source"):
        services.queue_source_email(program=program, kind="nothing", key="1")
    with pytest.raises(ValueError, match="no publishing source"):
        services.publish_source_pages(program=program, kind="nothing")
    with pytest.raises(ValueError, match="publishing's own kind"):
        sources.register(type("Own", (sources.Source,), {"kind": "digest", "label": "x"})())


class Broken(sources.Source):
    kind = "broken"
    label = "broken"

    def compose(self, message):
        raise KeyError("no such template")


def test_email_whose_composing_fails_is_kept_and_retried_with_the_reason(mailbox, program):
    sources.register(Broken())
    try:
        services.create_mailing_list(program=program, name="L", address="l@example.org")
        services.queue_source_email(program=program, kind="broken", key="1")
        work(queue="email")
    finally:
        sources.unregister("broken")

    stored = ListMessage.objects.get()
    assert (stored.status, stored.attempts) == ("retrying", 1)
    assert stored.last_error == "The e-mail could not be composed: KeyError: 'no such template'"
    assert mailbox.messages == []
