"""The newsletters part of the JSON API."""

from ninja import Router

router = Router(tags=["newsletters"])
