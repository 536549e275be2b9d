"""Language codes and names from CLDR."""

from __future__ import annotations

import pytest

from clinicdesk.lib.languages import (
    babel_locale,
    is_language,
    language_code_for_name,
    language_name,
)


def test_babel_locale_reads_django_codes_and_falls_back_to_english():
    assert str(babel_locale("zh-hans")) == "zh_Hans"
    assert str(babel_locale("es")) == "es"
    assert str(babel_locale("not a language")) == "en"


@pytest.mark.parametrize(("code", "expected"), [("es", True), ("pt-BR", True), ("ar", True)])
def test_is_language_accepts_codes(code, expected):
    assert is_language(code) is expected


@pytest.mark.parametrize("code", ["", "xx", "klingon", "e" * 21])
def test_is_language_rejects_non_codes(code):
    assert is_language(code) is False


def test_language_name_in_a_language_capitalised():
    assert language_name("es", "es") == "Español"
    assert language_name("es", "en") == "Spanish"
    assert language_name("en", "es") == "Inglés"
    assert language_name("ar", "ar") == "العربية"
    assert language_name("zh-hans", "en") == "Chinese (Simplified)"


@pytest.mark.parametrize(
    ("name", "code"),
    [("Español", "es"), ("english", "en"), (" Inglés ", "en"), ("русский", "ru")],
)
def test_language_code_for_name(name, code):
    assert language_code_for_name(name) == code


def test_language_code_for_unknown_name_is_none():
    assert language_code_for_name("Elvish of the third age") is None
