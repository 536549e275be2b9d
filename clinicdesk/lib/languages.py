"""Language codes and their names, from Babel's CLDR data."""

from __future__ import annotations

import functools

from babel import Locale, UnknownLocaleError

# Languages whose names are recognised when a text names a language ("Español", "English").
_NAMING_LOCALES = ("en", "es", "fr", "ar", "zh_Hans", "de", "ru", "pt", "it", "id")


@functools.cache
def babel_locale(code: str) -> Locale:
    """The Babel locale for a Django or BCP 47 language code (``zh-hans`` -> ``zh_Hans``)."""
    try:
        return Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


@functools.cache
def is_language(code: str) -> bool:
    if not code or len(code) > 20:
        return False
    try:
        Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return False
    return True


@functools.lru_cache(maxsize=1024)
def language_name(code: str, in_language: str = "en") -> str:
    """The name of ``code`` in ``in_language``, e.g. ("es", "es") -> "español"."""
    locale = babel_locale(code)
    name = locale.get_display_name(babel_locale(in_language)) or code
    return name[:1].upper() + name[1:]


@functools.cache
def _names_to_codes() -> dict[str, str]:
    table: dict[str, str] = {}
    for naming in _NAMING_LOCALES:
        for code, name in Locale.parse(naming).languages.items():
            table.setdefault(str(name).casefold(), str(code))
    for code in map(str, Locale.parse("en").languages):
        try:
            own = Locale.parse(code).get_display_name(Locale.parse(code))
        except (ValueError, UnknownLocaleError):
            continue
        if own:
            table.setdefault(own.casefold(), code)
    return table


def language_code_for_name(name: str) -> str | None:
    """The code of a language named in one of the common languages, or None."""
    return _names_to_codes().get(name.strip().casefold())
