"""Addresses of the planning app: its public and organizer pages."""

from django.urls import URLPattern, URLResolver, path

from clinicdesk.planning.views import manage, public

app_name = "planning"
_manage = "manage/programs/<slug:slug>/"
urlpatterns: list[URLPattern | URLResolver] = [
    path("programs/<slug:slug>/poll/", public.poll_page, name="poll"),
    path("programs/<slug:slug>/poll/answers/<str:token>/", public.answer_page, name="answer"),
    path(_manage + "planner/", manage.planner, name="planner"),
    path(_manage + "planner/heatmap.svg", manage.planner_heatmap, name="planner-heatmap"),
    path(_manage + "planner/apply/", manage.planner_apply, name="planner-apply"),
    path(_manage + "poll/", manage.poll_manage, name="poll-manage"),
]
