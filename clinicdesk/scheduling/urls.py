from django.urls import path

from clinicdesk.scheduling import calendars
from clinicdesk.scheduling.views import public

app_name = "scheduling"
urlpatterns = [
    path("<slug:slug>/", public.program_page, name="program"),
    path("<slug:slug>/calendar.ics", calendars.program_calendar_view, name="program-calendar"),
    path("<slug:slug>/sessions/<int:number>/", public.session_page, name="session"),
    path(
        "<slug:slug>/sessions/<int:number>/calendar.ics",
        calendars.session_calendar_view,
        name="session-calendar",
    ),
]
