"""The typed environment readers fail loudly on a malformed value."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from clinicdesk.lib.env import env_bool, env_int, env_list, env_str

NAME = "CLINICDESK_TEST_VALUE"


@pytest.fixture(autouse=True)
def _unset(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)


def test_env_defaults_when_unset():
    assert env_str(NAME, "fallback") == "fallback"
    assert env_bool(NAME, True) is True
    assert env_int(NAME, 25) == 25
    assert env_list(NAME, ["a"]) == ["a"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), (" Yes ", True), ("ON", True), ("0", False), ("off", False)],
)
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv(NAME, raw)
    assert env_bool(NAME, not expected) is expected


def test_env_bool_empty_is_false(monkeypatch):
    monkeypatch.setenv(NAME, "")
    assert env_bool(NAME, True) is False


def test_env_bool_rejects_maybe(monkeypatch):
    monkeypatch.setenv(NAME, "maybe")
    with pytest.raises(ImproperlyConfigured) as raised:
        env_bool(NAME, False)
    assert str(raised.value) == f"{NAME} must be a boolean (1/0, true/false), not 'maybe'"


def test_env_int_reads_and_rejects(monkeypatch):
    monkeypatch.setenv(NAME, "587")
    assert env_int(NAME, 25) == 587
    monkeypatch.setenv(NAME, " ")
    assert env_int(NAME, 25) == 25
    monkeypatch.setenv(NAME, "5x")
    with pytest.raises(ImproperlyConfigured, match="must be an integer, not '5x'"):
        env_int(NAME, 25)


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv(NAME, " example.org, ,127.0.0.1 ")
    assert env_list(NAME, []) == ["example.org", "127.0.0.1"]
    monkeypatch.setenv(NAME, "")
    assert env_list(NAME, ["a"]) == []


def test_env_str_keeps_value(monkeypatch):
    monkeypatch.setenv(NAME, "postgres://db")
    assert env_str(NAME, "") == "postgres://db"
