"""End to end with real components: ``manage.py db_worker`` as a process of its own publishes
to the real MediaWiki, through an outage of the wiki."""

from __future__ import annotations

import pytest

from clinicdesk.publishing import services
from clinicdesk.publishing.models import PublishAttempt, WikiPage
from tests.registration.processes import wait_until, worker_process

pytestmark = pytest.mark.django_db(transaction=True)


def test_wiki_down_during_publishing_then_up_the_worker_completes_the_task(demo, make_target, wiki):
    target = make_target(demo, republish_on_change=False)
    page = target.pages.get(kind=WikiPage.Kind.PROGRAM)
    bot = wiki.accounts["ClinicBot"]
    wiki.stop()
    services.request_publishing(target=target, pages=[page])

    with worker_process(
        CLINICDESK_WIKI_TEST_USERNAME=bot.bot_username,
        CLINICDESK_WIKI_TEST_PASSWORD=bot.bot_password,
        PUBLISHING_RETRY_BASE_SECONDS="1",
        SITE_URL="http://clinicdesk.test",
    ) as worker:
        failed_once = wait_until(
            lambda: PublishAttempt.objects.filter(
                page=page, outcome=PublishAttempt.Outcome.RETRYING
            ).exists()
        )
        assert failed_once, worker.stdout
        wiki.start()
        published = wait_until(
            lambda: WikiPage.objects.filter(pk=page.pk, state=WikiPage.State.PUBLISHED).exists(),
            timeout=60,
        )
        assert published

    page.refresh_from_db()
    assert page.revision_id == wiki.page(page.title)["revid"]
    assert "<!-- clinicdesk:begin archive -->" in wiki.page(page.title)["content"]
    outcomes = list(page.attempts_log.values_list("outcome", flat=True))
    assert outcomes[0] == PublishAttempt.Outcome.PUBLISHED
    assert set(outcomes[1:]) == {PublishAttempt.Outcome.RETRYING}
