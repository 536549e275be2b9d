"""Addresses of the digests app, mounted at the site root inside the language prefixes:
public digest pages and search, and the organizers' pages under manage/."""

from django.urls import URLPattern, URLResolver, path

from clinicdesk.digests.views import manage, public

app_name = "digests"

_session = "programs/<slug:slug>/sessions/<int:number>/"
_version = _session + "digests/<str:language>/"
_manage_program = "manage/programs/<slug:slug>/"
_manage_session = "manage/" + _session
_manage_version = "manage/" + _version

urlpatterns: list[URLPattern | URLResolver] = [
    # Public
    path(_version, public.digest_page, name="digest"),
    path(_version + "digest.<str:suffix>", public.digest_format, name="digest-format"),
    path("programs/<slug:slug>/search/", public.search_page, name="program-search"),
    path("search/", public.search_page, name="search"),
    # Organizers: follow-ups and imports
    path("manage/follow-ups/", manage.follow_ups, name="all-follow-ups"),
    path(_manage_program + "follow-ups/", manage.follow_ups, name="follow-ups"),
    path(
        _manage_program + "follow-ups/<int:follow_up_id>/",
        manage.follow_up_edit,
        name="follow-up-edit",
    ),
    path(
        _manage_program + "follow-ups/<int:follow_up_id>/reminders/",
        manage.reminder_address,
        name="reminder-address",
    ),
    path(
        _manage_program + "follow-up-reminders/<int:reminder_id>/retry/",
        manage.reminder_retry,
        name="reminder-retry",
    ),
    path(_manage_program + "digests/", manage.program_digests, name="program-digests"),
    path(_manage_program + "digests/import/", manage.import_page, name="import"),
    # Organizers: a session's versions and resources
    path(_manage_session + "digests/", manage.session_digests, name="session-digests"),
    path(_manage_session + "resources/new/", manage.resource_create, name="resource-create"),
    path(
        _manage_session + "resources/<int:resource_id>/delete/",
        manage.resource_delete,
        name="resource-delete",
    ),
    # Organizers: the editor
    path(_manage_version, manage.editor, name="editor"),
    path(_manage_version + "preview/", manage.preview, name="preview"),
    path(_manage_version + "publish/", manage.publish, name="publish"),
    path(_manage_version + "unpublish/", manage.unpublish, name="unpublish"),
    path(_manage_version + "delete/", manage.digest_delete, name="digest-delete"),
    path(_manage_version + "translate/", manage.translate, name="translate"),
    path(_manage_version + "link/", manage.link, name="link"),
    path(_manage_version + "lead/current/", manage.lead_current, name="lead-current"),
    path(_manage_version + "topics/new/", manage.topic_create, name="topic-create"),
    path(_manage_version + "topics/<int:topic_id>/", manage.topic_edit, name="topic-edit"),
    path(
        _manage_version + "topics/<int:topic_id>/delete/", manage.topic_delete, name="topic-delete"
    ),
    path(_manage_version + "topics/<int:topic_id>/move/", manage.topic_move, name="topic-move"),
    path(
        _manage_version + "topics/<int:topic_id>/current/",
        manage.topic_current,
        name="topic-current",
    ),
    path(
        _manage_version + "topics/<int:topic_id>/items/new/",
        manage.item_create,
        name="item-create",
    ),
    path(_manage_version + "items/<int:item_id>/", manage.item_edit, name="item-edit"),
    path(_manage_version + "items/<int:item_id>/delete/", manage.item_delete, name="item-delete"),
    path(_manage_version + "items/<int:item_id>/move/", manage.item_move, name="item-move"),
    path(
        _manage_version + "items/<int:item_id>/current/", manage.item_current, name="item-current"
    ),
]
