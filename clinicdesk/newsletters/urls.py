"""Addresses of the newsletters app (mounted at the site root, inside the language prefixes):
public issue pages, the feed and subscriptions, and the organizers' pages under manage/."""

from django.urls import URLPattern, URLResolver, path

from clinicdesk.newsletters import feeds
from clinicdesk.newsletters.views import manage, public

app_name = "newsletters"

_program = "programs/<slug:slug>/newsletter/"
_issue = _program + "<int:number>/<str:language>/"
_manage = "manage/programs/<slug:slug>/newsletter/"
_manage_issue = _manage + "<int:number>/<str:language>/"

urlpatterns: list[URLPattern | URLResolver] = [
    # Public
    path(_program, public.issue_list, name="issues"),
    path(_program + "feed/<str:language>.atom", feeds.issues_feed, name="feed"),
    path(_program + "subscribe/", public.subscribe, name="subscribe"),
    path(_program + "subscribe/sent/", public.subscribe_sent, name="subscribe-sent"),
    path("newsletter/confirm/<str:token>/", public.confirm, name="confirm"),
    path("newsletter/unsubscribe/<str:token>/", public.unsubscribe, name="unsubscribe"),
    path(_issue, public.issue_page, name="issue"),
    path(_issue + "issue.txt", public.issue_text, name="issue-text"),
    # Organizers
    path(_manage, manage.program_newsletter, name="manage"),
    path(_manage + "issues/new/", manage.issue_create, name="issue-create"),
    path(_manage + "opportunities/new/", manage.opportunity_create, name="opportunity-create"),
    path(
        _manage + "opportunities/<int:opportunity_id>/",
        manage.opportunity_edit,
        name="opportunity-edit",
    ),
    path(
        _manage + "opportunities/<int:opportunity_id>/delete/",
        manage.opportunity_delete,
        name="opportunity-delete",
    ),
    path(_manage_issue, manage.editor, name="editor"),
    path(_manage_issue + "compile/", manage.compile_view, name="compile"),
    path(_manage_issue + "texts/", manage.texts, name="texts"),
    path(_manage_issue + "publish/", manage.publish, name="publish"),
    path(_manage_issue + "unpublish/", manage.unpublish, name="unpublish"),
    path(_manage_issue + "translate/", manage.translate, name="translate"),
    path(_manage_issue + "current/", manage.mark_current_view, name="mark-current"),
    path(_manage_issue + "items/<int:item_id>/", manage.item_edit, name="item"),
    path(_manage_issue + "stories/new/", manage.story_create, name="story-create"),
    path(_manage_issue + "stories/<int:story_id>/", manage.story_edit, name="story"),
]
