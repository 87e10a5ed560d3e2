"""The desk tickets API (django-ninja router, mounted under /api/v1)."""

from ninja import Router

router = Router(tags=["tickets"])
