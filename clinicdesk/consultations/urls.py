"""Addresses of the consultations app: its public and organizer pages (mounted at the site
root, inside the language prefixes, so each path is written in full)."""

from django.urls import URLPattern, URLResolver, path, register_converter

from clinicdesk.consultations.views import organize, public


class _Token:
    """A private link's token: 32 URL-safe characters (``registration.tokens``)."""

    regex = "[A-Za-z0-9_-]{32}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(_Token, "ballot_token")

app_name = "consultations"

_public = "programs/<slug:slug>/consultations/<slug:consultation>/"
_manage = "manage/programs/<slug:slug>/consultations/<slug:consultation>/"
urlpatterns: list[URLPattern | URLResolver] = [
    # Everyone
    path(_public, public.detail, name="detail"),
    path(_public + "submit/", public.submit, name="submit"),
    path(_public + "submit/done/", public.submitted, name="submitted"),
    path(_public + "submissions/", public.submissions, name="submissions"),
    path(_public + "submissions/map.svg", public.submissions_map_svg, name="map"),
    path(_public + "rank/", public.rank_start, name="rank-start"),
    path(_public + "rank/<ballot_token:token>/", public.rank, name="rank"),
    path(_public + "results/", public.results, name="results"),
    path(_public + "results/chart.svg", public.results_svg, name="chart"),
    path(_public + "data/", public.data, name="data"),
    path(_public + "data/data-dictionary.csv", public.data_dictionary_csv, name="dictionary"),
    path(_public + "data/<slug:dataset>.<slug:extension>", public.download, name="download"),
    # Organizers
    path(
        "manage/programs/<slug:slug>/consultations/",
        organize.consultation_list,
        name="manage-list",
    ),
    path(
        "manage/programs/<slug:slug>/consultations/new/",
        organize.consultation_create,
        name="manage-create",
    ),
    path(_manage, organize.dashboard, name="manage"),
    path(_manage + "edit/", organize.consultation_edit, name="manage-edit"),
    path(_manage + "<slug:which>/<slug:edge>-now/", organize.window_now, name="manage-window"),
    path(_manage + "publish-early/", organize.publish_early, name="manage-publish-early"),
    path(_manage + "initiatives/", organize.initiatives, name="manage-initiatives"),
    path(_manage + "initiatives/new/", organize.initiative_edit, name="manage-initiative-create"),
    path(
        _manage + "initiatives/<int:initiative_id>/",
        organize.initiative_edit,
        name="manage-initiative",
    ),
    path(
        _manage + "initiatives/<int:initiative_id>/delete/",
        organize.initiative_delete,
        name="manage-initiative-delete",
    ),
    path(_manage + "groups/new/", organize.group_edit, name="manage-group-create"),
    path(_manage + "groups/<int:group_id>/", organize.group_edit, name="manage-group"),
    path(_manage + "communities/", organize.communities, name="manage-communities"),
    path(_manage + "submissions/", organize.submissions, name="manage-submissions"),
    path(
        _manage + "submissions/<int:submission_id>/review/",
        organize.review,
        name="manage-review",
    ),
    path(_manage + "results/", organize.results_preview, name="manage-results"),
    path(_manage + "results/publish/", organize.results_publish, name="manage-results-publish"),
]
