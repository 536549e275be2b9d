"""The publishing part of the demo: present, switched off until configured, idempotent."""

import pytest
from django.core.management import call_command

from clinicdesk.publishing.models import ListMessage, MailingList, WikiTarget
from clinicdesk.scheduling.models import Program

pytestmark = pytest.mark.django_db


def test_demo_wiki_is_off_until_configured_and_loading_twice_changes_nothing(monkeypatch):
    monkeypatch.delenv("CLINICDESK_DEMO_WIKI_API", raising=False)
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    program = Program.objects.get(slug="wikimedia-clinics")
    target = WikiTarget.objects.get(program=program)
    assert not target.is_active
    assert target.pages.filter(kind="program").count() == 1
    assert MailingList.objects.filter(program=program).count() == 1
    assert not ListMessage.objects.exists()  # nothing is sent by the demo itself

    monkeypatch.setenv("CLINICDESK_DEMO_WIKI_API", "http://wiki.example.org/w/api.php")
    call_command("load_demo", verbosity=0)
    target.refresh_from_db()
    assert target.is_active
    assert target.api_url == "http://wiki.example.org/w/api.php"
    assert not target.pages.filter(published_at__isnull=False).exists()
