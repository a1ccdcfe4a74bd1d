"""Evidence files: checked by content, cleaned of metadata where possible, sealed in chunks.

Images (JPEG, PNG, HEIC) are decoded and re-encoded without EXIF, XMP, GPS or any other
metadata; other kinds are stored as sent, and the reporter is told they could not be cleaned.
Every file is sealed with the report's data key in chunks of CHUNK bytes, each bound to the
file, its position and whether it is the last, so memory stays flat and no chunk can be
moved, dropped or swapped without the file failing to open.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
import unicodedata
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from crypto import aead
from crypto.errors import DecryptionError
from intake.domain.cases.reports import ReportUnreadable, field_aad
from intake.domain.evidence.archives import Overexpanding, check_expansion
from intake.domain.evidence.filetypes import KINDS, Kind, detect, extension_matches
from intake.domain.keys.epochs import case_keys
from intake.domain.models import Attachment, AttachmentChunk, Report
from intake.domain.models.base import next_ordinal, random_id

register_heif_opener()

CHUNK = 256 * 1024
#: Largest image, in pixels, decoded for cleaning: 24 megapixels (phones save 12 by default).
#: Cleaning holds two copies of the pixels, so this bounds a worker's memory (bench/README.md);
#: above it, and for anything Pillow flags as a decompression bomb, the file is refused.
MAX_PIXELS = 24_000_000
NAME_LIMIT = 255
#: Kinds that are zip archives, checked for decompression bombs (evidence/archives.py).
ARCHIVES = ("docx", "xlsx")


class AttachmentRefused(ValueError):
    """A file that is not accepted; `reason` is a code the form turns into a message."""

    def __init__(self, reason: str, filename: str, kind: Kind | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.filename = filename
        self.kind = kind


@dataclass
class Checked:
    """An accepted file, ready to be sealed: its kind, whether it was cleaned, its bytes."""

    filename: str
    kind: Kind
    cleaned: bool
    stream: IO[bytes]
    size: int


def safe_name(filename: str) -> str:
    """The last path component, without control or bidi characters, at most 255 characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C"
    )
    return name.strip()[:NAME_LIMIT] or "file"


def check(stream: IO[bytes], filename: str, max_bytes: int) -> Checked:
    """Accept or refuse one uploaded file; images come back re-encoded without metadata."""
    name = safe_name(filename)
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise AttachmentRefused("empty", name)
    if size > max_bytes:
        raise AttachmentRefused("too_large", name)
    kind = detect(stream)
    if kind is None:
        raise AttachmentRefused("unknown_type", name)
    if not extension_matches(name, kind):
        raise AttachmentRefused("name_mismatch", name, kind)
    if kind.code in ARCHIVES:
        try:
            check_expansion(stream, size)
        except Overexpanding:
            raise AttachmentRefused("overexpanding", name, kind) from None
    if not kind.cleanable:
        return Checked(name, kind, False, stream, size)
    cleaned = _reencode(stream, kind, name)
    return Checked(name, kind, True, cleaned, cleaned.getbuffer().nbytes)


def _reencode(stream: IO[bytes], kind: Kind, name: str) -> io.BytesIO:
    """Decode the pixels and write a new file from them alone: no metadata survives."""
    with warnings.catch_warnings():
        # Pillow warns (and above twice the limit, raises) on images that decode to far
        # more pixels than their size suggests; both are refused.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        previous = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
        try:
            with Image.open(stream) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise AttachmentRefused("too_many_pixels", name, kind)
                image.load()
                ImageOps.exif_transpose(image, in_place=True)
                pixels = _plain_copy(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise AttachmentRefused("too_many_pixels", name, kind) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise AttachmentRefused("damaged", name, kind) from None
        finally:
            Image.MAX_IMAGE_PIXELS = previous
    out = io.BytesIO()
    if kind.code == "png":
        pixels.save(out, format="PNG", optimize=True)
    else:
        # HEIC is stored as JPEG: every browser and office can open it.
        pixels.convert("RGB").save(out, format="JPEG", quality=90)
    out.seek(0)
    return out


def _plain_copy(image: Image.Image) -> Image.Image:
    """A new image holding the pixels alone (no info, EXIF, XMP, ICC or text chunks).

    The decoded image is converted in place of a second copy where its mode needs it, and
    closed as soon as its pixels are copied, so at most two copies live at once.
    """
    source = image if image.mode in ("RGB", "RGBA", "L", "LA", "P") else image.convert("RGBA")
    plain = Image.new(source.mode, source.size)
    if source.mode == "P":
        plain.putpalette(source.getpalette() or [])
    plain.paste(source)
    source.close()
    image.close()
    return plain


def stored_kind(checked: Checked) -> Kind:
    """What the stored bytes are (a cleaned HEIC is a JPEG)."""
    return KINDS["jpeg"] if checked.kind.code == "heic" and checked.cleaned else checked.kind


def _chunk_aad(report_id: str, uid: str, position: int, last: bool) -> bytes:
    return aead.associated_data("attachment", report_id, uid, str(position), str(last))


def store(
    db: Session, report: Report, data_key: bytes, checked: Checked, author: str, today: dt.date
) -> Attachment:
    """Seal and insert one file in the caller's transaction, a chunk at a time.

    Chunks go in with Core inserts so the session never holds more than one of them.
    """
    uid = secrets.token_hex(16)
    attachment = Attachment(
        id=random_id(),
        ordinal=next_ordinal(report.attachments),
        uid=uid,
        author=author,
        kind=stored_kind(checked).code,
        cleaned=checked.cleaned,
        size=checked.size,
        chunks=0,
        added_on=today,
        name=aead.seal(data_key, checked.filename.encode("utf-8"), field_aad(report.id, uid)),
    )
    report.attachments.append(attachment)
    db.flush()
    stream = checked.stream
    stream.seek(0)
    position = 0
    current = stream.read(CHUNK)
    while True:
        following = stream.read(CHUNK)
        last = not following
        sealed = aead.seal(data_key, current, _chunk_aad(report.id, uid, position, last))
        db.execute(
            insert(AttachmentChunk),
            [{"attachment_id": attachment.id, "position": position, "body": sealed}],
        )
        position += 1
        if last:
            break
        current = following
    attachment.chunks = position
    return attachment


def _file_key(attachment: Attachment, report: Report, data_key: bytes) -> tuple[bytes, str]:
    """The case key the file was sealed with (its name and chunks share it), and its name."""
    aad = field_aad(report.id, attachment.uid)
    for key in case_keys(report, data_key):
        try:
            return key, aead.open_sealed(key, attachment.name, aad).decode("utf-8")
        except DecryptionError:
            continue
    raise ReportUnreadable(report.reference)


def name_of(attachment: Attachment, report: Report, data_key: bytes) -> str:
    """The file's name as the reporter gave it (made safe)."""
    return _file_key(attachment, report, data_key)[1]


def _chunks(db: Session, attachment: Attachment, batch: int = 8) -> Iterator[tuple[int, bytes]]:
    # A few chunks per query, each query finished before the next: no server-side cursor
    # stays open while a slow client downloads.
    start = 0
    while True:
        rows = db.execute(
            select(AttachmentChunk.position, AttachmentChunk.body)
            .where(
                AttachmentChunk.attachment_id == attachment.id,
                AttachmentChunk.position >= start,
            )
            .order_by(AttachmentChunk.position)
            .limit(batch)
        ).all()
        yield from rows
        if len(rows) < batch:
            return
        start = rows[-1][0] + 1


def read(db: Session, attachment: Attachment, report: Report, data_key: bytes) -> Iterator[bytes]:
    """The file's bytes, a chunk at a time; ReportUnreadable if any chunk was tampered with."""
    data_key = _file_key(attachment, report, data_key)[0]
    expected = 0
    for position, body in _chunks(db, attachment):
        last = position == attachment.chunks - 1
        if position != expected:
            raise ReportUnreadable(report.reference)
        try:
            yield aead.open_sealed(
                data_key, body, _chunk_aad(report.id, attachment.uid, position, last)
            )
        except DecryptionError as exc:
            raise ReportUnreadable(report.reference) from exc
        expected += 1
    if expected != attachment.chunks:
        raise ReportUnreadable(report.reference)
