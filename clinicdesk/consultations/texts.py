"""Texts kept per language (``{"en": {...}, "es": {...}}``): which one a reader gets.

Pure: plain mappings in and out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Localized:
    language: str  # the language of the text given, for the lang attribute
    values: Mapping[str, str]

    def get(self, key: str) -> str:
        return self.values.get(key, "")


def candidates(language: str) -> list[str]:
    """``zh-hans`` -> ``["zh-hans", "zh_Hans", "zh"]``: a page's language, then its base."""
    found = [language, language.replace("-", "_")]
    if "-" in language:
        head, tail = language.split("-", 1)
        found.append(f"{head}_{tail.capitalize()}")
        found.append(head)
    return list(dict.fromkeys(found))


def pick(texts: Mapping[str, Mapping[str, str]], language: str, source: str) -> Localized:
    """The text in ``language`` (or its base language) when it has a title or name, else the
    source language's."""
    for code in candidates(language.lower()):
        values = texts.get(code)
        if values and any(values.values()):
            return Localized(code, values)
    return Localized(source, texts.get(source, {}))
