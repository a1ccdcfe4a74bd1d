"""What an uploaded file is, told from its bytes, never from its name or the browser's word.

Each accepted kind has a signature; a name whose extension claims another kind is refused,
so a reporter is told when a file is not what they think it is.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from dataclasses import dataclass
from typing import IO

from intake.domain.wording import _l


@dataclass(frozen=True)
class Kind:
    """An accepted file kind: its code, the name shown to people, extensions, and whether its
    metadata can be removed here (images are re-encoded; the rest are stored as sent)."""

    code: str
    label: object
    extensions: tuple[str, ...]
    cleanable: bool
    mimetype: str


KINDS = {
    k.code: k
    for k in (
        Kind("jpeg", _l("JPEG image"), (".jpg", ".jpeg", ".jfif"), True, "image/jpeg"),
        Kind("png", _l("PNG image"), (".png",), True, "image/png"),
        Kind("heic", _l("HEIC image (iPhone)"), (".heic", ".heif"), True, "image/heic"),
        Kind("pdf", _l("PDF document"), (".pdf",), False, "application/pdf"),
        Kind("text", _l("plain text"), (".txt", ".text"), False, "text/plain"),
        Kind("docx", _l("Word document (DOCX)"), (".docx",), False,
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        Kind("xlsx", _l("Excel workbook (XLSX)"), (".xlsx",), False,
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        Kind("mp3", _l("MP3 audio"), (".mp3",), False, "audio/mpeg"),
        Kind("m4a", _l("M4A audio"), (".m4a", ".mp4", ".aac"), False, "audio/mp4"),
        Kind("wav", _l("WAV audio"), (".wav",), False, "audio/wav"),
        Kind("amr", _l("AMR voice recording"), (".amr",), False, "audio/amr"),
    )
}  # fmt: skip

_HEIC_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_M4A_BRANDS = (b"M4A ", b"M4B ", b"mp42", b"isom", b"mp41", b"iso2", b"dash")


def detect(stream: IO[bytes]) -> Kind | None:
    """The kind of the file in `stream` (read from the start; left at the start), or None."""
    stream.seek(0)
    head = stream.read(64)
    stream.seek(0)
    kind = _by_signature(head, stream)
    stream.seek(0)
    return KINDS[kind] if kind else None


def _by_signature(head: bytes, stream: IO[bytes]) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"#!AMR"):
        return "amr"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIC_BRANDS:
            return "heic"
        if brand in _M4A_BRANDS:
            return "m4a"
        return None
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head.startswith(b"PK\x03\x04"):
        return _office(stream)
    if head and _is_text(stream):
        return "text"
    return None


def _office(stream: IO[bytes]) -> str | None:
    # Only the directory is read: nothing is decompressed, so a zip bomb costs nothing.
    try:
        names = set(zipfile.ZipFile(stream).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def _is_text(stream: IO[bytes]) -> bool:
    """UTF-8 (or GB18030, common for Chinese text files) without control characters."""
    for encoding in ("utf-8-sig", "gb18030"):
        stream.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            while chunk := stream.read(64 * 1024):
                if _CONTROL.search(decoder.decode(chunk)):
                    return False
            decoder.decode(b"", final=True)
            return True
        except UnicodeDecodeError:
            continue
    return False


def extension_matches(filename: str, kind: Kind) -> bool:
    """Whether a name's extension (if it has one) agrees with the detected kind."""
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].lower()
    if "." not in name.strip("."):
        return True
    return any(name.endswith(ext) for ext in kind.extensions)
