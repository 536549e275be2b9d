"""The demo: seed 002 imported and published as #006's English digest, with its people."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from clinicdesk.digests.models import Digest, FollowUp, Item
from clinicdesk.scheduling.models import Person


@pytest.mark.django_db
def test_load_demo_imports_the_digest_of_006():
    call_command("load_demo", verbosity=0)
    digest = Digest.objects.get()
    assert (digest.session.number, digest.language, digest.status) == (6, "en", "published")
    assert digest.session.spoken_languages == ["es"]
    assert (digest.staff_count, digest.volunteer_count) == (7, 10)
    assert [t.title for t in digest.topics.all()] == [
        "Introduction",
        "Impact of the pandemic on affiliates",
        "Needed support from the Foundation",
    ]
    assert Item.objects.filter(topic__digest=digest).count() == 43
    [follow_up] = FollowUp.objects.all()
    assert str(follow_up.owner) == "Quim (WMF)"
    staff = Person.objects.filter(role="staff").values_list("name", flat=True)
    assert set(staff) >= {"Quim", "Sele", "Melissa"}
    claudia = Person.objects.get(name="Claudia")
    assert (claudia.affiliation, claudia.attribution_consent) == ("Wikimedia Mexico", "name")


@pytest.mark.django_db
def test_load_demo_twice_imports_once(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert Digest.objects.count() == 1
    assert Person.objects.filter(name="Quim").count() == 1
    page = client.get("/programs/wikimedia-clinics/sessions/6/digests/en/").content.decode()
    assert "<strong>Claudia from Wikimedia Mexico</strong>:" in page
    assert "This is the English version of the digest." in page
