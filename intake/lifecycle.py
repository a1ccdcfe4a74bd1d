"""Case states as the reporter sees them (domain.md section 6)."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class State(StrEnum):
    """States of a case; the value is what is stored."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    IN_PROGRESS = "in_progress"
    TRANSFERRED = "transferred"
    HANDED_OVER = "handed_over"
    CONCLUDED = "concluded"
    UNDER_REVIEW = "under_review"


REPORTER_LABELS = {
    State.RECEIVED: _l("received, awaiting a decision"),
    State.ACCEPTED: _l("accepted"),
    State.NOT_ACCEPTED: _l("not accepted (with the reason)"),
    State.IN_PROGRESS: _l("being handled"),
    State.TRANSFERRED: _l("transferred"),
    State.HANDED_OVER: _l("handed over to the competent authority"),
    State.CONCLUDED: _l("concluded (with the outcome)"),
    State.UNDER_REVIEW: _l("reopened for review"),
}


def reporter_label(state: str) -> str:
    """The reporter-facing label of a stored state, in the request's language."""
    return str(REPORTER_LABELS[State(state)])
