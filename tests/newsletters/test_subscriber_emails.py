"""E-mails to subscribers through the shared outbox and the real SMTP server on loopback:
double opt-in, the issue with its one-click unsubscribe link and headers, nothing sent to
an address that did not confirm or that left."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client

from clinicdesk.newsletters import services
from clinicdesk.newsletters.models import SubscriberEmail, Subscription
from tests.support.mail import html_body, text_body
from tests.support.worker import run_tasks


def _link(text: str, kind: str) -> str:
    match = re.search(rf"http://clinicdesk\.test(/newsletter/{kind}/[A-Za-z0-9_-]+/)", text)
    assert match, text
    return match[1]


def test_double_opt_in_then_the_issue_with_a_working_one_click_unsubscribe(
    client, program, issue, mailbox
):
    client.post(
        f"/programs/{program.slug}/newsletter/subscribe/",
        {"email": "ana@example.org", "language": "en"},
    )
    services.publish_issue(issue=issue)  # not confirmed yet: nothing for Ana
    run_tasks(queue="email")

    [confirmation] = mailbox.wait_for(1)
    assert confirmation["To"] == "ana@example.org"
    assert (
        confirmation["Subject"] == "Confirm your subscription to the Wikimedia Clinics newsletter"
    )
    confirm_path = _link(text_body(confirmation), "confirm")
    assert confirm_path in html_body(confirmation)
    assert client.get(confirm_path).status_code == 200
    assert client.post(confirm_path).status_code == 200
    assert Subscription.objects.get().status == "active"

    following = services.create_issue(
        program=program, number=8, period_start=dt.date(2030, 4, 1),
        period_end=dt.date(2030, 5, 31), title="Clinics Newsletter Issue 8",
    )  # fmt: skip
    services.compile_issue(issue=following)
    services.publish_issue(issue=following)
    run_tasks(queue="email")

    confirmation, newsletter = mailbox.wait_for(2)
    assert newsletter["Subject"] == "Clinics Newsletter Issue 8"
    unsubscribe_path = _link(text_body(newsletter), "unsubscribe")
    assert newsletter["List-Unsubscribe"].strip() == f"<http://clinicdesk.test{unsubscribe_path}>"
    assert newsletter["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Lua for beginners" in text_body(newsletter)
    assert f'href="http://clinicdesk.test{unsubscribe_path}"' in html_body(newsletter)

    # The mail program's one-click POST: no cookie, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe_path, {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert Subscription.objects.get().status == "left"

    # Issue 9: nothing more for Ana.
    last = services.create_issue(
        program=program, number=9, period_start=dt.date(2030, 4, 1),
        period_end=dt.date(2030, 5, 31),
    )  # fmt: skip
    services.compile_issue(issue=last)
    services.publish_issue(issue=last)
    run_tasks(queue="email")
    assert len(mailbox.messages) == 2
    statuses = sorted(SubscriberEmail.objects.values_list("kind", "status"))
    assert statuses == [("confirmation", "sent"), ("issue", "sent")]


def test_subscribers_get_the_version_in_their_language(program, issue, mailbox):
    english = _confirmed(program, "en@example.org", "en")
    spanish = _confirmed(program, "es@example.org", "es")
    french = _confirmed(program, "fr@example.org", "fr")
    version = services.start_translation(source=issue, language="es")
    services.update_issue(issue=version, title="Boletín 7")

    services.publish_issue(issue=issue)
    services.publish_issue(issue=version)
    services.publish_issue(issue=version)  # once only
    run_tasks(queue="email")

    messages = {m["To"]: m for m in mailbox.wait_for(3)}
    assert len(mailbox.messages) == 3
    assert messages[english.email]["Subject"] == "Clinics Newsletter Issue 7"
    assert messages[spanish.email]["Subject"] == "Boletín 7"
    # No French version: the original.
    assert messages[french.email]["Subject"] == "Clinics Newsletter Issue 7"


def test_pending_address_gets_one_confirmation_per_ten_minutes(program, mailbox):
    first = services.subscribe(program=program, email="ana@example.org", language="en")
    again = services.subscribe(program=program, email="ana@example.org", language="en")
    later = services.subscribe(
        program=program, email="ana@example.org", language="en",
        now=first.subscription.confirmation_sent_at + dt.timedelta(minutes=11),
    )  # fmt: skip
    run_tasks(queue="email")

    assert (first.confirmation_queued, again.confirmation_queued) == (True, False)
    assert later.confirmation_queued is True
    first_mail, second_mail = mailbox.wait_for(2)
    # Only the newest link works.
    old, new = _link(text_body(first_mail), "confirm"), _link(text_body(second_mail), "confirm")
    client = Client()
    assert client.post(old).status_code == 404
    assert client.post(new).status_code == 200


def test_unknown_address_fails_at_once_and_stays_visible(program, mailbox):
    mailbox.unknown.add("nobody@example.org")

    services.subscribe(program=program, email="nobody@example.org", language="en")
    run_tasks(queue="email")

    row = SubscriberEmail.objects.get()
    assert row.status == "failed"
    assert "refused the address nobody@example.org: 550" in row.last_error
    assert Subscription.objects.get().confirm_digest == ""  # the link went back with it


def _confirmed(program, email: str, language: str) -> Subscription:
    subscription = services.subscribe(program=program, email=email, language=language).subscription
    return services.confirm_subscription(token=services.new_confirmation_token(subscription))


def test_requeue_command_hands_a_lost_email_to_the_queue_again(program, mailbox):
    import io

    from django.core.management import call_command

    services.subscribe(program=program, email="ana@example.org", language="en")
    long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    SubscriberEmail.objects.update(status="sending", claimed_at=long_ago)  # a worker died
    out = io.StringIO()

    call_command("requeue_newsletter_emails", stdout=out)
    run_tasks(queue="email")

    assert out.getvalue() == "1 e-mails to subscribers queued again\n"
    assert SubscriberEmail.objects.get().status == "sent"
    assert mailbox.wait_for(1)[0]["To"] == "ana@example.org"
