"""Organizer pages: create and edit programs, sessions, segments and hosts."""

from django.urls import path

from clinicdesk.scheduling.views import manage

app_name = "manage"

# Program creation lives outside programs/<slug>/ so that no slug is reserved for it.
_session = "programs/<slug:slug>/sessions/<int:number>/"
urlpatterns = [
    path("", manage.home, name="home"),
    path("new-program/", manage.program_create, name="program-create"),
    path("programs/<slug:slug>/", manage.program_dashboard, name="program"),
    path("programs/<slug:slug>/edit/", manage.program_edit, name="program-edit"),
    path("programs/<slug:slug>/rotation/", manage.rotation_update, name="rotation"),
    path("programs/<slug:slug>/sessions/new/", manage.session_create, name="session-create"),
    path(_session, manage.session_edit, name="session"),
    path(_session + "hosts/", manage.session_hosts, name="session-hosts"),
    path(_session + "hosts/new-person/", manage.person_create, name="person-create"),
    path(_session + "segments/new/", manage.segment_create, name="segment-create"),
    path(_session + "segments/<int:segment_id>/", manage.segment_edit, name="segment-edit"),
    path(
        _session + "segments/<int:segment_id>/delete/",
        manage.segment_delete,
        name="segment-delete",
    ),
    path(_session + "repeat/", manage.session_repeat, name="session-repeat"),
    path(_session + "cancel/", manage.session_cancel, name="session-cancel"),
]
