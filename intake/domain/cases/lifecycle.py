"""Case states as the reporter sees them (docs/rules.md §6)."""

from __future__ import annotations

from enum import StrEnum

from intake.domain.wording import _l


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


class IllegalTransition(Exception):
    """An action that the case's current state does not allow; the message says which."""

    def __init__(self, action: str, state: str) -> None:
        super().__init__(f"{action} is not possible in state {state}")
        self.action = action
        self.state = state


_OPEN = (State.ACCEPTED, State.IN_PROGRESS, State.TRANSFERRED, State.UNDER_REVIEW)

#: action -> the states it may start from, and the state it leads to (None: unchanged).
TRANSITIONS: dict[str, tuple[tuple[State, ...], State | None]] = {
    "accept": ((State.RECEIVED, State.TRANSFERRED), State.ACCEPTED),
    "not_accept": ((State.RECEIVED, State.TRANSFERRED), State.NOT_ACCEPTED),
    "start": ((State.ACCEPTED,), State.IN_PROGRESS),
    "transfer": ((State.RECEIVED, *_OPEN), State.TRANSFERRED),
    "hand_over": (_OPEN, State.HANDED_OVER),
    "conclude": ((*_OPEN, State.HANDED_OVER), State.CONCLUDED),
    # 回头看 reviews concluded cases (docs/rules.md §3); a refusal is not reopened.
    "reopen": ((State.CONCLUDED,), State.UNDER_REVIEW),
    # A measure that lands after conclusion (docs/rules.md §11).
    "outcome": ((State.CONCLUDED,), None),
    # A sanitised summary of a concluded case, for the public 典型案例 page.
    "typical": ((State.CONCLUDED,), None),
    # The receiving organ answers a hand-over, before or after the case is concluded.
    "hand_over_reply": ((State.HANDED_OVER, State.CONCLUDED, State.UNDER_REVIEW), None),
    "extend": ((*_OPEN, State.HANDED_OVER), None),
    "assign": ((State.RECEIVED, *_OPEN, State.HANDED_OVER), None),
    "share": ((State.RECEIVED, *_OPEN, State.HANDED_OVER), None),
    # Grading and disposal while the case is worked (cases/grading.py, docs/rules.md §9);
    # 提级办理 hands the case to the level above, as a hand-over does.
    "grade": ((State.RECEIVED, *_OPEN, State.HANDED_OVER), None),
    "leader": ((State.RECEIVED, *_OPEN, State.HANDED_OVER), None),
    "listing": ((State.RECEIVED, *_OPEN, State.HANDED_OVER), None),
    "escalate": (_OPEN, State.HANDED_OVER),
}


def allowed(action: str, state: str) -> bool:
    """Whether `action` may be taken on a case in `state`."""
    sources, _target = TRANSITIONS[action]
    return State(state) in sources


def next_state(action: str, state: str) -> State:
    """The state after `action`; IllegalTransition when the lifecycle forbids it."""
    if not allowed(action, state):
        raise IllegalTransition(action, state)
    target = TRANSITIONS[action][1]
    return target if target is not None else State(state)
