"""The results as the other apps publish them: one call gives the wikitext for the program's
wiki (the publishing app's engine) or the e-mail to the mailing lists (subject, plain text and
its HTML alternative); ``results_source`` hands them to publishing.

A thin adapter: loads through ``queries``, names the groups, and hands plain data to the pure
renderers (``renderers.render_wikitext``, ``renderers.render_text``). No request needed, so a
task of the queue can call it.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from clinicdesk.consultations import privacy, queries, regions, services
from clinicdesk.consultations.methods import Method
from clinicdesk.consultations.models import Consultation
from clinicdesk.consultations.renderers import ResultsDocument, render_text, render_wikitext
from clinicdesk.consultations.results import Results
from clinicdesk.consultations.resultstext import (
    explain_tie,
    method_explanation,
    method_name,
    score_name,
    suppression_explanation,
    tie_rule_explanation,
)
from clinicdesk.lib.languages import language_name
from clinicdesk.outbox.emails import render


def group_names(results: Results, language: str) -> dict[str, dict[str, str]]:
    """The name of every group of every breakdown, in ``language``."""
    names: dict[str, dict[str, str]] = {}
    for breakdown in results.breakdowns:
        mine = names.setdefault(breakdown.dimension, {})
        for group in breakdown.groups:
            if group.key == privacy.OTHER:
                mine[group.key] = (
                    _("Other regions (pooled)")
                    if breakdown.dimension == "region"
                    else _("Other languages (pooled)")
                )
            elif breakdown.dimension == "region":
                mine[group.key] = regions.region_name(group.key)
            else:
                mine[group.key] = (
                    language_name(group.key, language) if group.key else _("Not known")
                )
    return names


def dimension_names() -> dict[str, str]:
    return {"region": _("By region"), "language": _("By language group")}


def _address(name: str, consultation: Consultation) -> str:
    path = reverse(
        f"consultations:{name}",
        kwargs={"slug": consultation.program.slug, "consultation": consultation.slug},
    )
    return settings.SITE_URL + path


def results_document(
    consultation: Consultation, *, language: str, method: Method | str | None = None
) -> ResultsDocument:
    """The results (by ``method``, default the consultation's) as the renderers take them."""
    results = queries.results_of(consultation, method=method, language=language)
    closes = consultation.ranking_closes_at
    closes_text = ""
    if closes is not None:
        closes_text = _("Ranking closed on %(when)s.") % {
            "when": services.when_text(closes, consultation.time_zone)
        }
    return ResultsDocument(
        title=consultation.title,
        question=consultation.question,
        results=results,
        page_url=_address("results", consultation),
        data_url=_address("data", consultation),
        closes_text=closes_text,
        group_names=group_names(results, language),
        dimension_names=dimension_names(),
    )


def results_wikitext(consultation: Consultation, *, language: str = "en") -> str:
    """The wiki page of the results, in ``language`` (the wiki's)."""
    with override(language):
        return render_wikitext(results_document(consultation, language=language))


def results_email_text(consultation: Consultation, *, language: str = "en") -> str:
    """The body of the results e-mail to the mailing lists, in ``language``."""
    with override(language):
        return render_text(results_document(consultation, language=language))


def results_email(consultation: Consultation, *, language: str = "en") -> tuple[str, str, str]:
    """Subject, plain text and HTML of the results e-mail to the mailing lists, in
    ``language`` (templates ``consultations/emails/results-*``)."""
    with override(language):
        document = results_document(consultation, language=language)
        results = document.results
        context = {
            "document": document,
            "results": results,
            "text": render_text(document),
            "top": results.top(document.top_in_text) if results.enough else [],
            "method": method_name(results.method),
            "score": score_name(results.method),
            "method_explanation": method_explanation(results.method, results.width),
            "tie_rule": tie_rule_explanation(),
            "ties": [
                explain_tie(note) for note in results.ties if note.rank <= document.top_in_text
            ],
            "suppression": suppression_explanation(results.threshold),
        }
    return render("consultations/emails/results", context, language)
