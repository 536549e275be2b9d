"""The words results are explained with, in the reader's language: what each method does, how
ties are broken, and each tie of a result. Shared by the page, the wikitext and the e-mail.

No ORM: plain values in, text out (through gettext).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from clinicdesk.consultations.methods import Method, TieRule
from clinicdesk.consultations.results import TiedOption, TieNote

METHOD_NAMES = {
    Method.BORDA: gettext_lazy("Borda count"),
    Method.APPROVAL: gettext_lazy("Approval count"),
    Method.SCHULZE: gettext_lazy("Schulze method"),
}
SCORE_NAMES = {
    Method.BORDA: gettext_lazy("points"),
    Method.APPROVAL: gettext_lazy("people who ranked it"),
    Method.SCHULZE: gettext_lazy("initiatives it comes before"),
}


def method_name(method: Method | str) -> str:
    return str(METHOD_NAMES[Method(method)])


def score_name(method: Method | str) -> str:
    return str(SCORE_NAMES[Method(method)])


def count_text(value: int | None, threshold: int) -> str:
    """A published figure, or "fewer than 5" where it is suppressed."""
    if value is None:
        return _("fewer than %(threshold)d") % {"threshold": threshold}
    return str(value)


def method_explanation(method: Method | str, width: int) -> str:
    method = Method(method)
    if method == Method.BORDA:
        return ngettext(
            "Borda count: each person ranks up to %(width)d initiative; a ranked initiative "
            "earns %(width)d point, and one a person did not rank earns nothing from them. "
            "Initiatives are ordered by their points.",
            "Borda count: each person ranks up to %(width)d initiatives; a first choice earns "
            "%(width)d points, a second one point less, and so on down to 1 point for the last "
            "place; an initiative a person did not rank earns nothing from them. Initiatives "
            "are ordered by their points.",
            width,
        ) % {"width": width}
    if method == Method.APPROVAL:
        return _(
            "Approval count: each initiative counts the people who ranked it, in any "
            "position. Initiatives are ordered by that number."
        )
    return _(
        "Schulze method: for every pair of initiatives, we count the people who ranked one "
        "above the other (an initiative a person ranked is above every one they did not). One "
        "initiative comes before another when its strongest chain of such wins against it is "
        "stronger than the other's chain back; a chain is as strong as its weakest win. The "
        "score is the number of initiatives it comes before."
    )


def tie_rule_explanation() -> str:
    return _(
        "Initiatives with the same score are put in order by the number of people who ranked "
        "them first, then by the number of people who ranked them at all. Initiatives still "
        "equal after both share a rank and are listed in the order of their codes; no lot is "
        "drawn."
    )


def suppression_explanation(threshold: int) -> str:
    return _(
        "So that no one can be singled out, a figure that rests on fewer than %(threshold)d "
        "ballots reads “fewer than %(threshold)d”, a breakdown shows a group only when it "
        "holds at least %(threshold)d ballots (smaller groups are pooled as “other”, and a "
        "pool still too small is left out), and nothing is published from fewer than "
        "%(threshold)d ballots in all."
    ) % {"threshold": threshold}


def _list(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _pair(rule: TieRule, before: TiedOption, after: TiedOption) -> str:
    values = {"before": before.code, "after": after.code}
    if rule == TieRule.FIRST_CHOICES:
        if before.first_choices is None or after.first_choices is None:
            return _("%(before)s comes before %(after)s: more people ranked it first.") % values
        return _(
            "%(before)s comes before %(after)s: more people ranked it first (%(more)d against "
            "%(fewer)d)."
        ) % {**values, "more": before.first_choices, "fewer": after.first_choices}
    if before.approvals is None or after.approvals is None:
        return (
            _(
                "%(before)s comes before %(after)s: as many people ranked each first, and more "
                "people ranked it at all."
            )
            % values
        )
    return _(
        "%(before)s comes before %(after)s: as many people ranked each first, and more people "
        "ranked it at all (%(more)d against %(fewer)d)."
    ) % {**values, "more": before.approvals, "fewer": after.approvals}


def explain_tie(note: TieNote) -> str:
    """One tie of a result, in words: who had the same score, and what ordered them."""
    codes = [option.code for option in note.options]
    if note.score is None:
        sentences = [_("%(options)s have the same score.") % {"options": _list(codes)}]
    else:
        sentences = [
            _("%(options)s have the same score (%(score)d).")
            % {"options": _list(codes), "score": note.score}
        ]
    rank = note.rank
    run: list[str] = [codes[0]]
    for index, rule in enumerate(note.rules):
        before, after = note.options[index], note.options[index + 1]
        if rule == TieRule.UNBROKEN:
            run.append(after.code)
            continue
        if len(run) > 1:
            sentences.append(_still_tied(run, rank))
        rank += len(run)
        run = [after.code]
        sentences.append(_pair(rule, before, after))
    if len(run) > 1:
        sentences.append(_still_tied(run, rank))
    return " ".join(sentences)


def _still_tied(codes: list[str], rank: int) -> str:
    return _("%(options)s are still equal after every rule: they share rank %(rank)d.") % {
        "options": _list(codes),
        "rank": rank,
    }
