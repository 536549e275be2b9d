from django.urls import path

from clinicdesk.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("zone/", views.choose_zone, name="zone"),
]
