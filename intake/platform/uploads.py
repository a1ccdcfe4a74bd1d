"""Request bodies: files posted with a form (counted, checked one by one, explained when
refused), and how large a body each endpoint may send."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from intake.config import Settings
from intake.domain.evidence import archives
from intake.domain.evidence.attachments import MAX_PIXELS, AttachmentRefused, Checked, check
from intake.domain.evidence.filetypes import KINDS
from intake.platform import context

ACCEPT = ",".join(ext for kind in KINDS.values() for ext in kind.extensions)

REFUSALS = {
    "empty": _l("“%(name)s” is empty."),
    "too_large": _l("“%(name)s” is larger than %(mb)d MB."),
    "unknown_type": _l("“%(name)s” is not a kind of file we accept. Accepted: %(kinds)s."),
    "name_mismatch": _l(
        "“%(name)s” is named like another kind of file, but it is a %(kind)s. Rename it or "
        "choose the right file."
    ),
    "too_many_pixels": _l(
        "“%(name)s” is an image too large to process (more than %(mp)d megapixels)."
    ),
    "damaged": _l("“%(name)s” is damaged or incomplete: it could not be read as an image."),
    "overexpanding": _l(
        "“%(name)s” unpacks to far more than its size (over %(ratio)d times, or over %(unpacked)d "
        "MB), as files made to stop the computer that opens them do. Save it again, or send it "
        "as PDF."
    ),
}
TOO_MANY = _l("At most %(max)d files at once, please; you chose %(count)d.")
CHOOSE_AGAIN = _l(
    "Everything you typed is kept, but files cannot be: please choose them again before sending."
)


def accepted_kinds() -> str:
    """The accepted kinds, named for people."""
    return "、".join(str(kind.label) for kind in KINDS.values())


def chosen(files: list[FileStorage]) -> list[FileStorage]:
    """The parts that hold a file (a form with no file chosen still sends an empty part)."""
    return [f for f in files if f.filename]


def check_files(files: list[FileStorage], settings: Settings) -> tuple[list[Checked], list[str]]:
    """The accepted files, and a message for each refusal (all files are looked at)."""
    picked = chosen(files)
    if len(picked) > settings.attachments_max_files:
        message = TOO_MANY % {"max": settings.attachments_max_files, "count": len(picked)}
        return [], [str(message)]
    accepted, errors = [], []
    for upload in picked:
        try:
            accepted.append(
                check(upload.stream, upload.filename or "", settings.attachment_max_bytes)
            )
        except AttachmentRefused as exc:
            errors.append(
                str(
                    REFUSALS[exc.reason]
                    % {
                        "name": exc.filename,
                        "mb": settings.attachment_max_bytes // (1024 * 1024),
                        "kinds": accepted_kinds(),
                        "kind": str(exc.kind.label) if exc.kind else "",
                        "mp": MAX_PIXELS // 1_000_000,
                        "ratio": archives.MAX_RATIO,
                        "unpacked": archives.MAX_UNPACKED // (1024 * 1024),
                    }
                )
            )
    return accepted, errors


UPLOAD_ENDPOINTS = (
    "public.report",
    "public.status_attach",
    "admin.recording.record",
    "api.create_report",
)


def allow_uploads() -> None:
    """Forms that carry files may be as large as their files; every other body stays small."""
    if request.endpoint in UPLOAD_ENDPOINTS and request.mimetype == "multipart/form-data":
        # Text fields of a multipart body stay limited by MAX_FORM_MEMORY_SIZE each.
        request.max_content_length = context.settings().upload_body_bytes


def keep_raw_form_body() -> None:
    """Keep the raw url-encoded body for _body_is_utf8, before CSRF parses the form."""
    if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        request.get_data(cache=True, parse_form_data=False)
