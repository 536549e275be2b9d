"""Addresses of the newsletters app (mounted at the site root, inside the language prefixes)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
