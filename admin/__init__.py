"""The staff console under /admin/ (issue 4): accounts, keys, queues, case work, audit."""

from __future__ import annotations

from flask import Flask

from admin import labels


def init_app(app: Flask) -> None:
    """Register the console blueprint and its template helpers."""
    # The view modules attach their routes to the blueprint when imported.
    from admin import (  # noqa: F401
        views_auth,
        views_cases,
        views_people,
        views_recording,
        views_statistics,
        views_supervision,
    )
    from admin.console import bp

    app.register_blueprint(bp)
    app.jinja_env.filters["bureau_name"] = labels.bureau_name
    app.context_processor(labels.template_globals)
