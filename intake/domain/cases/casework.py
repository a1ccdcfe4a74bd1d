"""Working a case: the lifecycle actions, messages, notes and rewards (docs/rules.md §3–5).

Every function here changes one report in the caller's session and records an Event; the
caller commits, together with its audit record. Free text (reasons, outcomes, messages, notes,
reward claims) is sealed with the report's data key; events carry metadata only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from crypto import aead, keywrap
from crypto.errors import DecryptionError
from intake.config import Settings
from intake.domain.cases import bound, outcomes, profiles
from intake.domain.cases.lifecycle import IllegalTransition, State, next_state
from intake.domain.cases.reports import ReportUnreadable, field_aad
from intake.domain.cases.routing import RoutingDecision
from intake.domain.cases.taxonomy import HandOverTarget
from intake.domain.codes import TRUE_FINDINGS, Finding
from intake.domain.keys import epochs, periods
from intake.domain.keys.authentic import KeyNotAuthentic
from intake.domain.keys.keyring import (
    KeyNotReady,
    bureau_holder,
    bureau_public_key,
    mark_lead,
    unit_holder,
)
from intake.domain.models import (
    Bureau,
    Event,
    KeyWrap,
    Message,
    Note,
    Rectification,
    Report,
    StaffMember,
    SupervisionNote,
    TypicalCase,
)
from intake.domain.models.base import next_ordinal, random_id
from intake.domain.wording import _l

#: Characters allowed in a message, note, reason or outcome.
TEXT_LIMIT = 5_000
SUPERVISION_LIMIT = 1_000
#: What the receiving organ answered a hand-over (docs/rules.md §2).
HAND_OVER_REPLIES = ("filed", "not_filed", "result")
LETTER_LIMIT = 60
TYPICAL_LIMIT = 3_000
_T = TypeVar("_T")
NOT_READY = _l(
    "That bureau has no key yet: its first member has not set up their account. Nothing was "
    "changed; try again once they have."
)
REPORTER_KEY_NOT_AUTHENTIC = _l(
    "This case's reporter key failed its check (it was changed outside Qingfeng), so the "
    "case was not given a new key and nothing was changed. Tell the system administrator."
)
NOT_AUTHENTIC = _l(
    "That bureau's key failed its check (it was changed outside Qingfeng), so nothing was "
    "sealed to it and nothing was changed. Tell the system administrator."
)


class CaseworkError(ValueError):
    """An action's input is not acceptable (empty text, amount out of range, ...)."""


@dataclass(frozen=True)
class Actor:
    """Who acts, and when; staff actions carry a full time (docs/design.md, Promises 1).
    With the installation's secret key, which authenticates every public key an action seals
    to (a transfer, a share, a hand-over, a 督办 note)."""

    staff: StaffMember
    now: dt.datetime
    today: dt.date
    secret_key: bytes = field(repr=False, kw_only=True)


@dataclass(frozen=True)
class ShownMessage:
    """A decrypted message as a page shows it."""

    author: str
    staff_id: int | None
    occurred_on: dt.date
    occurred_at: dt.datetime | None
    #: None when the message is not where it was written (moved, swapped or re-attributed in
    #: the database): the page says so instead of showing it.
    body: str | None


@dataclass(frozen=True)
class RewardClaim:
    """What a reporter gives to claim a reward: only at claim time, sealed."""

    name: str
    phone: str
    payment: str

    def to_bytes(self) -> bytes:
        """Serialise for sealing."""
        return json.dumps(asdict(self), ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> RewardClaim:
        """Parse what `to_bytes` made."""
        raw = json.loads(data.decode("utf-8"))
        return cls(raw.get("name", ""), raw.get("phone", ""), raw.get("payment", ""))


def _text(value: str, limit: int = TEXT_LIMIT) -> str:
    value = (value or "").strip()
    if not value:
        raise CaseworkError(_l("Please fill this in."))
    if len(value) > limit:
        raise CaseworkError(_l("At most %(max)d characters, please.", max=limit))
    return value


def staff_step(
    report: Report,
    actor: Actor,
    kind: str,
    *,
    value: str | None = None,
    bureau: str | None = None,
    **detail: Any,
) -> None:
    """Record a staff step; it counts for the lead bureau unless `bureau` says otherwise."""
    report.events.append(
        Event(
            kind=kind,
            occurred_on=actor.today,
            occurred_at=actor.now,
            actor_staff_id=actor.staff.id,
            bureau=bureau or report.lead_bureau.code,
            value=value,
            detail=detail,
        )
    )


def _public_event(report: Report, kind: str, today: dt.date) -> None:
    # A reporter's step: a date, no time, no actor (promise 1).
    report.events.append(
        Event(kind=kind, occurred_on=today, bureau=report.lead_bureau.code, detail={})
    )


def _seal(data_key: bytes, report: Report, field: str, text: str) -> bytes:
    return aead.seal(data_key, text.encode("utf-8"), field_aad(report.id, field))


def _open(data_key: bytes, report: Report, field: str, blob: bytes) -> str:
    try:
        return epochs.open_any(report, data_key, blob, field_aad(report.id, field)).decode("utf-8")
    except DecryptionError as exc:
        raise ReportUnreadable(report.reference) from exc


def _not_yet_accepted(action: str, report: Report) -> None:
    # A case accepted before a transfer goes on being handled; it is not decided again.
    if report.accepted_on is not None:
        raise IllegalTransition(action, report.state)


def accept(
    report: Report, data_key: bytes, actor: Actor, settings: Settings, intake_desk: str
) -> bytes:
    """受理: start the conclusion clock; the intake desk's triage copy of the key is dropped,
    and the case gets a new key the desk never sees. Returns the key to seal with from now."""
    _not_yet_accepted("accept", report)
    report.state = next_state("accept", report.state)
    if report.accepted_on is None:
        report.accepted_on = actor.today
        if report.conclusion_basis is None:  # a 交办 date set before acceptance stays
            report.conclusion_due = profiles.conclusion_due(report, settings, actor.today)
    if report.lead_bureau.code != intake_desk:
        data_key = _drop_wrap(report, intake_desk, data_key, actor.secret_key)
    staff_step(report, actor, "accepted")
    return data_key


def not_accept(
    report: Report, data_key: bytes, actor: Actor, reason: str, intake_desk: str
) -> None:
    """不予受理, with a reason the reporter will read; triage is over, so is the desk's copy."""
    reason = _text(reason)
    _not_yet_accepted("not_accept", report)
    report.state = next_state("not_accept", report.state)
    if report.lead_bureau.code != intake_desk:
        data_key = _drop_wrap(report, intake_desk, data_key, actor.secret_key)
    report.public_reason = _seal(data_key, report, "public_reason", reason)
    report.concluded_on = actor.today
    periods.enter_period(report, actor.secret_key)
    staff_step(report, actor, "not_accepted")


def assign(report: Report, actor: Actor, handler: StaffMember) -> None:
    """Give the case to a handler; an accepted case is then in progress."""
    next_state("assign", report.state)
    report.assigned_staff = handler
    if report.state == State.ACCEPTED:
        report.state = next_state("start", report.state)
    staff_step(report, actor, "assigned", handler=handler.id)


def share(report: Report, data_key: bytes, actor: Actor, bureau: Bureau) -> None:
    """Give a co-bureau (参与单位) its own copy of the data key."""
    next_state("share", report.state)
    _not_recused(report, bureau)
    if _holds(report, bureau):
        raise CaseworkError(_l("That bureau can already read this case."))
    _add_wrap(report, data_key, bureau, actor.secret_key)
    staff_step(report, actor, "shared", value=bureau.code)


def transfer(report: Report, data_key: bytes, actor: Actor, to: Bureau, keep_as_co: bool) -> bytes:
    """转办: the new bureau leads; the old one keeps a copy only as co-bureau (or the case is
    re-keyed without it). Returns the key to seal with from now."""
    old = report.lead_bureau
    if to.id == old.id:
        raise CaseworkError(_l("The case is already with that bureau."))
    _not_recused(report, to)
    report.state = next_state("transfer", report.state)
    if not _holds(report, to):
        _add_wrap(report, data_key, to, actor.secret_key)
    if not keep_as_co:
        data_key = _drop_wrap(report, old.code, data_key, actor.secret_key, old.id)
    # Counted as transferred out of the old bureau and into the new one.
    staff_step(report, actor, "transferred", bureau=old.code, value=to.code, kept=keep_as_co)
    report.lead_bureau = to
    mark_lead(report, to)
    report.assigned_staff = None
    return data_key


def hand_over(
    report: Report,
    data_key: bytes,
    actor: Actor,
    target: HandOverTarget,
    to: Bureau | None,
    letter: str = "",
    letter_on: dt.date | None = None,
) -> None:
    """移送 to one of the taxonomy's targets, with the 移送函's number and date; the bureau
    standing for the organ gets a copy when installed here (and holding its key: one still
    waiting for its founder is handed the case outside)."""
    letter = (letter or "").strip()
    if len(letter) > LETTER_LIMIT:
        raise CaseworkError(_l("At most %(max)d characters, please.", max=LETTER_LIMIT))
    if letter_on is not None and letter_on > actor.today:
        raise CaseworkError(_l("The letter's date cannot be in the future."))
    report.state = next_state("hand_over", report.state)
    report.handed_over_to = target.code
    report.hand_over_letter = letter or None
    report.hand_over_letter_on = letter_on
    report.hand_over_reply = report.hand_over_reply_on = None
    if to is not None and to.public_key is not None and not _holds(report, to):
        _add_wrap(report, data_key, to, actor.secret_key)
    staff_step(report, actor, "handed_over", value=target.code, letter=bool(letter))


def hand_over_reply(report: Report, actor: Actor, reply: str, replied_on: dt.date) -> None:
    """The receiving organ's answer to a hand-over: 立案, 不立案, or the result of its work."""
    next_state("hand_over_reply", report.state)
    if report.handed_over_to is None:
        raise IllegalTransition("hand_over_reply", report.state)
    if reply not in HAND_OVER_REPLIES:
        raise CaseworkError(_l("Choose what the receiving organ answered."))
    if replied_on > actor.today:
        raise CaseworkError(_l("The reply's date cannot be in the future."))
    report.hand_over_reply = reply
    report.hand_over_reply_on = replied_on
    staff_step(report, actor, "hand_over_replied", value=reply, on=replied_on.isoformat())


def conclude(
    report: Report,
    data_key: bytes,
    actor: Actor,
    outcome: str,
    finding: str,
    *,
    disposal: str | None = None,
    measures: Mapping[str, int] | None = None,
    items: Sequence[str] = (),
) -> None:
    """办结: an outcome the reporter reads, a finding for the statistics and, under
    docs/rules.md §11, the disposal, the measures taken and the 整改 items."""
    outcome = _text(outcome)
    if finding not in Finding.__members__.values():
        raise CaseworkError(_l("Choose a finding."))
    chosen = _checked(outcomes.check_disposal, report, disposal) if disposal else None
    sealed = _sealed_items(report, data_key, items)
    report.state = next_state("conclude", report.state)
    report.public_reason = _seal(data_key, report, "public_reason", outcome)
    report.finding = finding
    report.disposal = chosen
    report.concluded_on = actor.today
    changes = _checked(
        outcomes.set_totals, report, measures or {}, actor.today, actor.staff.id,
        report.lead_bureau.code,
    )  # fmt: skip
    _checked(outcomes.add_items, report, sealed, actor.today)
    _derived(report, actor, opened=chosen in outcomes.OPENING_DISPOSALS, items=len(sealed))
    if report.conclusion_due is not None and actor.today > report.conclusion_due:
        _derived(report, actor, late=True)
    periods.enter_period(report, actor.secret_key)
    staff_step(
        report, actor, "concluded", value=finding, disposal=chosen, measures=changes,
        items=len(sealed),
    )  # fmt: skip


def update_outcome(
    report: Report,
    data_key: bytes,
    actor: Actor,
    measures: Mapping[str, int],
    items: Sequence[str] = (),
    done: Collection[int] = (),
) -> None:
    """A measure that lands after conclusion (a fine paid), new 整改 items or items done:
    recorded as entries dated today, so months already counted keep their figures."""
    next_state("outcome", report.state)
    sealed = _sealed_items(report, data_key, items)
    changes = _checked(
        outcomes.set_totals, report, measures, actor.today, actor.staff.id,
        report.lead_bureau.code,
    )  # fmt: skip
    added = _checked(outcomes.add_items, report, sealed, actor.today)
    marked = outcomes.mark_done(report, done, actor.today)
    _derived(report, actor, items=added, done=marked)
    if not (changes or added or marked):
        raise CaseworkError(_l("Nothing was changed."))
    staff_step(report, actor, "outcome_updated", measures=changes, items=added, done=marked)


def _derived(
    report: Report,
    actor: Actor,
    *,
    opened: bool | None = None,
    late: bool = False,
    items: int = 0,
    done: int = 0,
) -> None:
    # The entries the 统计表 counts besides the measures typed (cases/outcomes.py, DERIVED).
    def entry(kind: str, quantity: int) -> None:
        outcomes.record(
            report, kind, quantity, actor.today, actor.staff.id, report.lead_bureau.code
        )

    if opened is not None:
        entry(outcomes.CASES_OPENED, int(opened) - outcomes.count(report, outcomes.CASES_OPENED))
    entry(outcomes.CONCLUDED_LATE, int(late))
    entry(outcomes.ITEMS_ADDED, items)
    entry(outcomes.ITEMS_DONE, done)


def _sealed_items(report: Report, data_key: bytes, items: Sequence[str]) -> list[bytes]:
    return [
        _seal(data_key, report, "rectification", _text(item, outcomes.ITEM_LIMIT)) for item in items
    ]


def propose_typical(report: Report, actor: Actor, title: str, summary: str) -> TypicalCase:
    """A 典型案例 the bureau proposes: public once a supervisor approves it."""
    next_state("typical", report.state)
    typical = TypicalCase(
        report_id=report.id,
        bureau=report.lead_bureau.code,
        category=report.category,
        title=_text(title, 100),
        summary=_text(summary, TYPICAL_LIMIT),
        written_on=actor.today,
        written_by=actor.staff.id,
    )
    staff_step(report, actor, "typical_proposed")
    return typical


def approve_typical(typical: TypicalCase, actor: Actor) -> None:
    """A supervisor approves a 典型案例 for publication."""
    if typical.approved_on is not None:
        raise CaseworkError(_l("This typical case is already published."))
    typical.approved_on = actor.today
    typical.approved_by = actor.staff.id


def rectifications(report: Report, data_key: bytes) -> list[tuple[Rectification, str]]:
    """The case's 整改 items with their text."""
    return [
        (item, _open(data_key, report, "rectification", item.body))
        for item in report.rectifications
    ]


_OUTCOME_ERRORS = {
    "disposal": _l("Choose a disposal that the rule governing this case allows."),
    "items": _l("At most %(max)d rectification items per case.", max=outcomes.ITEMS_MAX),
}


def _checked(function: Callable[..., _T], *args: Any) -> _T:
    # The domain's outcome checks speak in codes; the person acting reads a sentence.
    try:
        return function(*args)
    except outcomes.OutcomeError as exc:
        code = str(exc.args[0])
        raise CaseworkError(
            _OUTCOME_ERRORS.get(code, _l("That amount or number is out of range."))
        ) from None


def reopen(report: Report, data_key: bytes, actor: Actor, settings: Settings, reason: str) -> None:
    """回头看: reopen a concluded case for review, with a new conclusion deadline (and its own
    extension) and no finding until it is concluded again; the reason is an internal note."""
    reason = _text(reason)
    report.state = next_state("reopen", report.state)
    report.concluded_on = None
    periods.leave_period(report, data_key, actor.secret_key)
    report.finding = None
    report.disposal = None  # decided again at the next conclusion; the measures stay
    report.conclusion_due = profiles.conclusion_due(report, settings, actor.today)
    report.conclusion_basis = None
    report.extended = False
    report.extension_requested_on = report.extension_approved_on = None
    report.extension_requested_by = report.extension_approved_by = None
    report.extension_reason = None
    add_note(report, data_key, actor, reason)
    staff_step(report, actor, "reopened")


def mark_major(report: Report, actor: Actor, major: bool) -> None:
    """重大线索: put the case on the supervisors' board, or take it off."""
    report.major = major
    staff_step(report, actor, "marked_major" if major else "unmarked_major")


def add_note(report: Report, data_key: bytes, actor: Actor, text: str) -> None:
    """An internal note, sealed; the reporter never sees it."""
    text = _text(text)
    note = Note(
        id=random_id(),
        ordinal=next_ordinal(report.notes),
        staff_id=actor.staff.id,
        occurred_at=actor.now,
    )
    note.body = bound.seal(data_key, report.id, bound.place_of_note(note), text)
    report.notes.append(note)


def notes(report: Report, data_key: bytes) -> list[tuple[Note, str | None]]:
    """The case's notes with their text; None for a note that is not where it was written."""
    return [
        (note, bound.open_in_case(report, data_key, bound.place_of_note(note), note.body))
        for note in report.notes
    ]


def _message(report: Report, data_key: bytes, text: str, **row: Any) -> None:
    message = Message(id=random_id(), ordinal=next_ordinal(report.messages), **row)
    message.body = bound.seal(data_key, report.id, bound.place_of_message(message), text)
    report.messages.append(message)


def send_to_reporter(report: Report, data_key: bytes, actor: Actor, text: str) -> None:
    """A question or a message to the reporter, who reads it on /status."""
    text = _text(text)
    _message(
        report,
        data_key,
        text,
        author="staff",
        staff_id=actor.staff.id,
        occurred_on=actor.today,
        occurred_at=actor.now,
    )
    staff_step(report, actor, "message_sent")


def reporter_writes(report: Report, data_key: bytes, today: dt.date, text: str) -> None:
    """The reporter answers or adds information; it carries the date only (promise 1)."""
    text = _text(text)
    _message(report, data_key, text, author="reporter", occurred_on=today)
    report.awaiting_staff = True
    _public_event(report, "reporter_message", today)


def reporter_added_files(report: Report, today: dt.date) -> None:
    """The reporter sent more files; the lead bureau sees it as a new reply."""
    report.awaiting_staff = True
    _public_event(report, "reporter_files", today)


def messages(report: Report, data_key: bytes) -> list[ShownMessage]:
    """The conversation, oldest first."""
    return [
        ShownMessage(
            m.author,
            m.staff_id,
            m.occurred_on,
            m.occurred_at,
            bound.open_in_case(report, data_key, bound.place_of_message(m), m.body),
        )
        for m in report.messages
    ]


def public_reason(report: Report, data_key: bytes) -> str | None:
    """The reason for not accepting, or the outcome, as the reporter reads it."""
    if report.public_reason is None:
        return None
    return _open(data_key, report, "public_reason", report.public_reason)


def reward_open(report: Report, settings: Settings) -> bool:
    """Whether the reporter may claim a reward: a substantiated case in a rewarded category."""
    return (
        report.state == State.CONCLUDED
        and report.finding in TRUE_FINDINGS
        and report.category in settings.reward_categories
        and report.reward_excluded is None
        and report.reward_lapsed_on is None
    )


def claim_reward(
    report: Report, data_key: bytes, settings: Settings, today: dt.date, claim: RewardClaim
) -> None:
    """The reporter's claim, with contact and payment details sealed for the bureau."""
    if not reward_open(report, settings):
        raise CaseworkError(_l("This case carries no reward."))
    if report.reward_claim is not None:
        raise CaseworkError(_l("A claim was already made."))
    for value, limit in ((claim.name, 50), (claim.phone, 30), (claim.payment, 200)):
        _text(value, limit)
    report.reward_claim = aead.seal(data_key, claim.to_bytes(), field_aad(report.id, "reward"))
    report.reward_claimed_on = today
    _public_event(report, "reward_claimed", today)


def reward_claim(report: Report, data_key: bytes) -> RewardClaim | None:
    """The claim as the bureau reads it."""
    if report.reward_claim is None:
        return None
    try:
        plain = epochs.open_any(
            report, data_key, report.reward_claim, field_aad(report.id, "reward")
        )
    except DecryptionError as exc:
        raise ReportUnreadable(report.reference) from exc
    return RewardClaim.from_bytes(plain)


def _not_recused(report: Report, bureau: Bureau) -> None:
    # 回避 (docs/rules.md §2): a report naming a bureau never reaches it, by transfer or share.
    if RoutingDecision.from_dict(report.routing).recused == bureau.code:
        raise CaseworkError(
            _l("The report names that bureau: it must not handle or read it (回避).")
        )


def _has_wrap(report: Report, code: str) -> bool:
    return any(w.holder == bureau_holder(code) for w in report.key_wraps)


def _holds(report: Report, bureau: Bureau) -> bool:
    return any(w.bureau_id == bureau.id for w in report.key_wraps)


def _add_wrap(report: Report, data_key: bytes, bureau: Bureau, secret_key: bytes) -> None:
    holder = bureau_holder(bureau.code)
    if _has_wrap(report, bureau.code):
        # The same bureau of another unit holds the case (a case between levels).
        holder = unit_holder(bureau.unit.code, bureau.code)
    wrap = KeyWrap(holder=holder, bureau_id=bureau.id, wrapped=b"")
    try:
        periods.seal_for_bureau(report, wrap, bureau, data_key, secret_key)
    except KeyNotReady:
        raise CaseworkError(NOT_READY) from None
    except KeyNotAuthentic:
        raise CaseworkError(NOT_AUTHENTIC) from None
    report.key_wraps.append(wrap)


def _drop_wrap(
    report: Report, code: str, data_key: bytes, secret_key: bytes, bureau_id: int | None = None
) -> bytes:
    """Take a bureau's copy away and re-key the case for those who remain; the new key.
    With `bureau_id`, that bureau's copy whatever its holder name (keyring.unit_holder)."""
    holder = bureau_holder(code)
    dropped = [
        w
        for w in report.key_wraps
        if (w.bureau_id == bureau_id if bureau_id is not None else w.holder == holder)
    ]
    for wrap in dropped:
        report.key_wraps.remove(wrap)
    try:
        return epochs.rekey(report, data_key, secret_key)
    except (KeyNotReady, KeyNotAuthentic):
        # The whole action is refused (its transaction rolled back): nothing is sealed to a
        # key a database writer swapped, the reporter's included.
        raise CaseworkError(REPORTER_KEY_NOT_AUTHENTIC) from None


def _supervision_aad(report: Report, bureau_code: str) -> bytes:
    return aead.associated_data("supervision", report.id, bureau_code)


def supervise(
    report: Report,
    actor: Actor,
    text: str,
    *,
    answer_due: dt.date | None = None,
    kind: str = "supervision",
    held_on: dt.date | None = None,
) -> SupervisionNote:
    """督办: a supervisor's note, sealed to the lead bureau's public key (no report key needed),
    asking for the bureau's answer by `answer_due` when given. A 约谈 or 通报 (`kind`, held on
    `held_on`) is recorded the same way (cases/supervision_answers.py)."""
    text = _text(text, SUPERVISION_LIMIT)
    bureau = report.lead_bureau
    note = SupervisionNote(
        bureau_id=bureau.id,
        staff_id=actor.staff.id,
        occurred_at=actor.now,
        body=keywrap.seal_to(
            bureau_public_key(bureau, actor.secret_key),
            text.encode("utf-8"),
            _supervision_aad(report, bureau.code),
        ),
        kind=kind,
        held_on=held_on,
        answer_due=answer_due,
    )
    report.supervision_notes.append(note)
    if kind != "supervision":
        staff_step(report, actor, SUPERVISION_EVENTS[kind], held_on=str(held_on))
        return note
    report.supervised_on = actor.today
    staff_step(report, actor, "supervised", answer_due=answer_due and answer_due.isoformat())
    return note


#: The timeline's step for each kind of supervision note other than 督办 (约谈, 通报).
SUPERVISION_EVENTS = {"interview": "interviewed", "circular": "circulated"}


def supervision_notes(
    report: Report, bureau: Bureau, bureau_private: bytes
) -> list[tuple[SupervisionNote, str]]:
    """The 督办 notes sealed to `bureau`, with their text."""
    out = []
    for note in report.supervision_notes:
        if note.bureau_id != bureau.id:
            continue
        try:
            plain = keywrap.open_sealed_to(
                bureau_private, note.body, _supervision_aad(report, bureau.code)
            )
        except DecryptionError as exc:
            raise ReportUnreadable(report.reference) from exc
        out.append((note, plain.decode("utf-8")))
    return out
