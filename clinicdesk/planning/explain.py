"""The planning core's errors, notes and region names in the reader's language.

The core marks its messages for translation (``gettext_noop``) and hands them over with their
parameters; here they are translated, then filled in.
"""

from __future__ import annotations

from django.utils.translation import gettext, pgettext

from clinicdesk.planning.core import Note, PlanningError

# The regions the planner names by themselves (the areas of the zone database).
_AREAS = {
    "Africa": lambda: pgettext("region", "Africa"),
    "America": lambda: pgettext("region", "America"),
    "Antarctica": lambda: pgettext("region", "Antarctica"),
    "Arctic": lambda: pgettext("region", "Arctic"),
    "Asia": lambda: pgettext("region", "Asia"),
    "Atlantic": lambda: pgettext("region", "Atlantic"),
    "Australia": lambda: pgettext("region", "Australia"),
    "Europe": lambda: pgettext("region", "Europe"),
    "Indian": lambda: pgettext("region", "Indian Ocean"),
    "Pacific": lambda: pgettext("region", "Pacific"),
    "UTC": lambda: pgettext("region", "UTC (no region)"),
}
# Parameters whose values are phrases of the core's, marked for translation there.
_TRANSLATED_PARAMS = {"where"}


def region_label(name: str) -> str:
    """A region's name for the reader: the zone database's areas translated, others as given."""
    label = _AREAS.get(name)
    return label() if label else name


def _params(params: dict[str, str | int | float]) -> dict[str, str | int | float]:
    out = dict(params)
    for key in _TRANSLATED_PARAMS & set(out):
        out[key] = gettext(str(out[key]))
    if "region" in out:
        out["region"] = region_label(str(out["region"]))
    return out


def planning_message(error: PlanningError) -> str:
    return gettext(error.template) % _params(error.params)


def note_message(note: Note) -> str:
    return gettext(note.template) % _params(note.params)
