"""Subscribing (double opt-in), confirming and unsubscribing (one link, and RFC 8058's
one-click POST without a CSRF token); bad input answered with a message, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from clinicdesk.newsletters import services
from clinicdesk.newsletters.models import Subscription


def _confirmed(program, email: str = "ana@example.org", language: str = "en") -> Subscription:
    subscription = services.subscribe(program=program, email=email, language=language).subscription
    return services.confirm_subscription(token=services.new_confirmation_token(subscription))


def _subscribe_url(program) -> str:
    return f"/programs/{program.slug}/newsletter/subscribe/"


def test_subscribe_form_answers_check_your_inbox(client, program):
    response = client.post(_subscribe_url(program), {"email": "Ana@Example.ORG", "language": "es"})

    assert response.status_code == 302
    assert response["Location"] == f"/programs/{program.slug}/newsletter/subscribe/sent/"
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.language, subscription.status) == (
        "Ana@example.org",
        "es",
        "pending",
    )
    # The confirmation is in the outbox; its link is minted when it is composed.
    assert list(subscription.emails.values_list("kind", "status")) == [("confirmation", "pending")]


def test_subscribing_twice_makes_one_row_and_the_same_answer(client, program):
    data = {"email": "ana@example.org", "language": "en"}
    first = client.post(_subscribe_url(program), data)
    _confirmed(program)

    second = client.post(_subscribe_url(program), {**data, "email": "ANA@example.org"})

    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    assert Subscription.objects.count() == 1
    assert Subscription.objects.get().status == "active"


def test_confirmed_address_gets_no_new_confirmation(program):
    _confirmed(program)

    again = services.subscribe(program=program, email="ana@example.org", language="en")

    assert again.confirmation_queued is False


def test_bad_address_is_a_message_and_keeps_the_input(client, program):
    response = client.post(_subscribe_url(program), {"email": "not an address", "language": "en"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a valid email address." in page
    assert 'value="not an address"' in page
    assert not Subscription.objects.exists()


def test_confirm_link_shows_a_button_then_confirms(client, program):
    subscription = services.subscribe(
        program=program, email="ana@example.org", language="en"
    ).subscription
    token = services.new_confirmation_token(subscription)

    page = client.get(f"/newsletter/confirm/{token}/")
    done = client.post(f"/newsletter/confirm/{token}/")
    again = client.post(f"/newsletter/confirm/{token}/")

    assert page.status_code == 200
    assert "Yes, send me the newsletter" in page.content.decode()
    assert done.status_code == 200
    assert Subscription.objects.get().status == "active"
    assert again.status_code == 404  # used up


@pytest.mark.parametrize("token", ["forged", "A" * 32, "x" * 500, "%00%00", "bad token!"])
def test_forged_links_are_a_clear_404(client, program, token):
    for url in (f"/newsletter/confirm/{token}/", f"/newsletter/unsubscribe/{token}/"):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 404
            assert "This link does not work" in response.content.decode()


def test_one_click_unsubscribe_works_without_a_csrf_token(program):
    subscription = _confirmed(program)
    token = services.new_unsubscribe_token(subscription)
    mail_program = Client(enforce_csrf_checks=True)

    response = mail_program.post(
        f"/newsletter/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == "left"
    assert subscription.left_at is not None


def test_unsubscribe_page_asks_before_ending(client, program):
    subscription = _confirmed(program)
    token = services.new_unsubscribe_token(subscription)

    page = client.get(f"/newsletter/unsubscribe/{token}/")

    assert page.status_code == 200
    assert "Stop receiving the Wikimedia Clinics newsletter?" in page.content.decode()
    assert Subscription.objects.get().status == "active"


def test_every_emails_unsubscribe_link_keeps_working(program):
    subscription = _confirmed(program)
    older = services.new_unsubscribe_token(subscription)
    services.new_unsubscribe_token(subscription)

    assert services.unsubscribe(token=older).status == "left"


def test_subscribing_again_after_leaving_asks_for_confirmation_again(program):
    subscription = _confirmed(program)
    services.unsubscribe(token=services.new_unsubscribe_token(subscription))

    again = services.subscribe(program=program, email="ana@example.org", language="en")

    assert again.confirmation_queued is True
    assert Subscription.objects.get().status == "pending"


def test_subscriptions_are_per_language(program):
    services.subscribe(program=program, email="ana@example.org", language="en")
    services.subscribe(program=program, email="ana@example.org", language="es")

    assert sorted(Subscription.objects.values_list("language", flat=True)) == ["en", "es"]
