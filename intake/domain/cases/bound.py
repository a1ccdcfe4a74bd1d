"""Messages and notes sealed to their place in the case: which case, which row, who wrote it,
and its position (docs/design.md "Per-report data key").

A database writer cannot read them, but could otherwise move them: swap two messages, replay
one, move a note to another case, or put a colleague's name on it. The associated data of a
bound seal names the case, the row id, the author's kind and id and the ordinal, so any of
those changes makes the ciphertext fail to open, and the page says so instead of showing it.

Rows written before binding carry the report's plain seal (bound only to the case and the
kind of text); they still open. A bound body starts with BOUND, a byte no plain seal starts
with, and the byte is part of the associated data, so a bound body cannot be passed off as a
plain one by dropping it.
"""

from __future__ import annotations

from dataclasses import dataclass

from crypto import aead
from crypto.errors import DecryptionError
from intake.domain.cases.reports import field_aad
from intake.domain.keys import epochs
from intake.domain.models import Message, Note, Report

#: First byte of a bound body (a plain seal starts with aead.VERSION, 0x01).
BOUND = b"\x02"


@dataclass(frozen=True)
class Place:
    """Where a message or note belongs."""

    kind: str  # "message" or "note"
    row_id: int
    author: str  # "reporter" or "staff"
    author_id: int | None
    ordinal: int

    @property
    def legacy_field(self) -> str:
        """The field name a plain (pre-binding) seal of this row used."""
        return "note" if self.kind == "note" else f"message:{self.author}"


def place_of_message(message: Message) -> Place:
    """The place a message claims in the database."""
    return Place("message", message.id, message.author, message.staff_id, message.ordinal)


def place_of_note(note: Note) -> Place:
    """The place a note claims in the database."""
    return Place("note", note.id, "staff", note.staff_id, note.ordinal)


def _aad(report_id: str, place: Place) -> bytes:
    return aead.associated_data(
        "bound-text",
        BOUND,
        report_id,
        place.kind,
        str(place.row_id),
        place.author,
        "" if place.author_id is None else str(place.author_id),
        str(place.ordinal),
    )


def seal(data_key: bytes, report_id: str, place: Place, text: str) -> bytes:
    """Seal a message's or note's text to its place."""
    return BOUND + aead.seal(data_key, text.encode("utf-8"), _aad(report_id, place))


def open_text(data_key: bytes, report_id: str, place: Place, body: bytes) -> str | None:
    """The text, or None if it does not open in the place the row claims."""
    try:
        if body[:1] == BOUND:
            plain = aead.open_sealed(data_key, body[1:], _aad(report_id, place))
        else:
            plain = aead.open_sealed(data_key, body, field_aad(report_id, place.legacy_field))
        return plain.decode("utf-8")
    except (DecryptionError, UnicodeDecodeError):
        return None


def open_in_case(report: Report, data_key: bytes, place: Place, body: bytes) -> str | None:
    """The text, opened with whichever of the case's keys sealed it: a note or message written
    before an acceptance or a transfer re-keyed the case is sealed under an earlier key, which
    the current key opens (docs/design.md, "Key epochs"). A former holder's key opens only
    what was written while it was current."""
    for key in epochs.case_keys(report, data_key):
        text = open_text(key, report.id, place, body)
        if text is not None:
            return text
    return None
