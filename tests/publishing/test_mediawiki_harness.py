"""The test wiki itself: installed, served, stopped and started again."""

import pytest
import requests


def test_mediawiki_answers_and_accounts_log_in(wiki):
    site = wiki.site("ClinicBot")
    assert site.logged_in
    assert "bot" in site.groups
    revid = wiki.edit("Harness check", "Hello, '''wiki'''.")
    assert wiki.page("Harness check")["revid"] == revid
    assert "<b>wiki</b>" in wiki.rendered_html("Harness check")


def test_mediawiki_stops_and_starts_again(wiki):
    wiki.edit("Harness persists", "kept")
    wiki.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(wiki.api_url, timeout=2)
    wiki.start()
    assert wiki.page("Harness persists")["content"] == "kept"
