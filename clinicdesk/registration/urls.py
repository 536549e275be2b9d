"""Addresses of the registration app: its public and organizer pages (mounted at the site root,
inside the language prefixes, so each path is written in full)."""

from django.urls import URLPattern, URLResolver, path

from clinicdesk.registration.views import organize, public

app_name = "registration"

_public_session = "programs/<slug:slug>/sessions/<int:number>/"
_session = "manage/programs/<slug:slug>/sessions/<int:number>/"
_program = "manage/programs/<slug:slug>/"
urlpatterns: list[URLPattern | URLResolver] = [
    # Participants
    path(_public_session + "register/", public.register, name="register"),
    path(_public_session + "register/done/", public.registered, name="registered"),
    path("registrations/deleted/", public.deleted, name="deleted"),
    path("registrations/<str:token>/", public.manage, name="manage"),
    path("registrations/<str:token>/cancel/", public.cancel, name="cancel"),
    path("registrations/<str:token>/delete/", public.delete, name="delete"),
    # Organizers
    path(_session + "registration/", organize.settings_page, name="settings"),
    path(_session + "registrations/", organize.registrations, name="list"),
    path(_session + "registrations.csv", organize.export, name="export"),
    path(_session + "emails/<int:email_id>/retry/", organize.retry_email, name="email-retry"),
    path(_session + "needs/", organize.needs, name="needs"),
    path(_session + "attendance/", organize.attendance, name="attendance"),
    path(
        _session + "attendance/registrations/<int:registration_id>/",
        organize.check_in,
        name="check-in",
    ),
    path(
        _session + "attendance/hosts/<int:person_id>/",
        organize.check_in_host,
        name="check-in-host",
    ),
    path(_session + "attendance/walk-in/", organize.walk_in, name="walk-in"),
    path(
        _session + "attendance/<int:check_in_id>/remove/",
        organize.remove_check_in,
        name="check-in-remove",
    ),
    path(_session + "attendance/headcount/", organize.headcount, name="headcount"),
    path(_session + "attendance/held/", organize.mark_held, name="held"),
    path(_program + "needs/", organize.program_needs, name="program-needs"),
    path(_program + "registration/", organize.program_settings, name="program-settings"),
    path(_program + "registration/retention/", organize.run_retention, name="retention"),
    path("manage/api-tokens/", organize.api_tokens, name="api-tokens"),
    path(
        "manage/api-tokens/<int:token_id>/revoke/",
        organize.revoke_api_token,
        name="api-token-revoke",
    ),
]
