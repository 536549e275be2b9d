"""Addresses of the publishing app: the program's Atom feeds, and its organizer pages."""

from django.urls import URLPattern, URLResolver, path

from clinicdesk.publishing import feeds
from clinicdesk.publishing.views import manage

app_name = "publishing"
_manage = "manage/programs/<slug:slug>/publishing/"
urlpatterns: list[URLPattern | URLResolver] = [
    path("programs/<slug:slug>/feeds/sessions.atom", feeds.sessions_feed, name="sessions-feed"),
    path("programs/<slug:slug>/feeds/digests.atom", feeds.digests_feed, name="digests-feed"),
    path(_manage, manage.dashboard, name="dashboard"),
    path(_manage + "wikis/new/", manage.target_create, name="target-create"),
    path(_manage + "wikis/<int:target_id>/", manage.target_edit, name="target"),
    path(_manage + "wikis/<int:target_id>/publish/", manage.target_publish, name="target-publish"),
    path(_manage + "pages/<int:page_id>/", manage.page_detail, name="page"),
    path(_manage + "pages/<int:page_id>/publish/", manage.page_publish, name="page-publish"),
    path(_manage + "pages/<int:page_id>/replace/", manage.page_replace, name="page-replace"),
    path(_manage + "log/", manage.publish_log, name="log"),
    path(_manage + "lists/new/", manage.list_create, name="list-create"),
    path(_manage + "lists/<int:list_id>/", manage.list_edit, name="list"),
    path(_manage + "sender/", manage.sender_edit, name="sender"),
    path(_manage + "announce/", manage.announce, name="announce"),
    path(_manage + "emails/", manage.email_log, name="emails"),
    path(_manage + "emails/<int:message_id>/retry/", manage.email_retry, name="email-retry"),
]
