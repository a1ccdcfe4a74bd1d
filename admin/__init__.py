"""The staff console under /admin/: one blueprint per area, nested in the console's own.

The console blueprint (admin/console.py) loads the session before every request of every
area; each area's blueprint brings its routes, forms and queries.
"""

from __future__ import annotations

from flask import Flask

from admin import labels
from admin.auth.views import bp as auth_bp
from admin.cases.repeats import bp as repeats_bp
from admin.cases.reviews import bp as case_reviews_bp
from admin.cases.views import bp as cases_bp
from admin.console import bp
from admin.people.views import bp as people_bp
from admin.recording.views import bp as recording_bp
from admin.statistics.views import bp as statistics_bp
from admin.supervision.hand_downs import bp as hand_downs_bp
from admin.supervision.reviews import bp as reviews_bp
from admin.supervision.views import bp as supervision_bp

AREAS = (
    auth_bp,
    cases_bp,
    repeats_bp,
    case_reviews_bp,
    people_bp,
    recording_bp,
    statistics_bp,
    supervision_bp,
    reviews_bp,
    hand_downs_bp,
)
# Once, when the package is imported: every app built afterwards registers the same tree.
for _area in AREAS:
    bp.register_blueprint(_area)


def init_app(app: Flask) -> None:
    """Register the console with its areas, and its template helpers."""
    app.register_blueprint(bp)
    app.jinja_env.filters["bureau_name"] = labels.bureau_name
    app.context_processor(labels.template_globals)
