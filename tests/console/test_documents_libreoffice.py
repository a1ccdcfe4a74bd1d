"""Every document opens in LibreOffice: each kind's Word file and printable page converts to
a PDF with `soffice --headless --convert-to pdf` (docs/rules.md §10).

LibreOffice is a test dependency like Chromium (.ci/run installs libreoffice-writer-nogui):
without it this test fails, it is never skipped.
"""

from __future__ import annotations

import shutil
import subprocess  # nosec B404 - runs LibreOffice on files this test wrote
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from intake.domain.installation import DemoAccount
from tests.console.console import Staff
from tests.console.test_documents import OUTCOME, REFUSAL, WHERE, issue, listed
from tests.console.test_extensions import REASON, allow_to_approve, colleague

Submit = Callable[..., tuple[str, str]]
Login = Callable[[str], Staff]
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
KINDS = (
    "acceptance", "extension", "hand_over", "reply", "conclusion_report", "refusal",
    "supervision",
)  # fmt: skip


def every_kind(
    app: Flask, staff: Login, submit: Submit, accounts: dict[str, DemoAccount]
) -> tuple[Staff, list[tuple[str, int, str]]]:
    """One document of each kind; (case, document id, kind) of each."""
    health = staff("health")
    _code, ref = submit(real_name="y", name="王五（虚构）", phone="13900000000")
    health.act(ref, "accept")
    assert issue(health, ref, "acceptance") == 303
    health.act(ref, "extend", reason=REASON)
    head = colleague(app, accounts, "health", "health-head")
    allow_to_approve(staff, app, "health-head")
    assert head.act(ref, "extend_approve").status_code == 303
    assert issue(health, ref, "extension") == 303
    assert health.act(ref, "hand_over", target="police").status_code == 303
    assert issue(health, ref, "hand_over") == 303
    concluded = health.act(
        ref, "conclude", outcome=OUTCOME, finding="substantiated", disposal="handled"
    )
    assert concluded.status_code == 303
    assert issue(health, ref, "reply") == 303
    assert issue(health, ref, "conclusion_report") == 303
    _code, refused = submit()
    assert (
        staff("supervisor").post(f"/admin/cases/{refused}/supervision-letter", {}).status_code
        == 303
    )
    health.act(refused, "not_accept", reason=REFUSAL)
    assert issue(health, refused, "refusal", where=WHERE) == 303
    issued = [(r, d.id, d.kind) for r in (ref, refused) for d in listed(app, r)]
    assert sorted(kind for _r, _id, kind in issued) == sorted(KINDS)
    return health, issued


def fetch(member: Staff, ref: str, document_id: int, name: str, sources: Path) -> None:
    """Save a document's Word file and printable page as `name`.docx and `name`.html."""
    path = f"/admin/cases/{ref}/documents/{document_id}"
    for suffix, url in (("docx", f"{path}.docx"), ("html", path)):
        response = member.client.get(url)
        assert response.status_code == 200
        (sources / f"{name}-{suffix}.{suffix}").write_bytes(response.data)


def to_pdf(sources: Path, tmp_path: Path) -> Path:
    """Convert every .docx and .html file in `sources` to PDF with LibreOffice, failing on
    any error it reports; the folder the PDFs are in."""
    assert SOFFICE, "install LibreOffice: apt-get install -y libreoffice-writer-nogui"
    out = tmp_path / "out"
    # A profile of its own: a member's running LibreOffice, or another test, keeps its lock.
    profile = (tmp_path / "profile").as_uri()
    # Each file is read with the filter of its kind: left to guess, LibreOffice would take a
    # damaged Word file for plain text and convert that without complaint.
    for suffix, import_filter in (("docx", "MS Word 2007 XML"), ("html", "HTML (StarWriter)")):
        files = sorted(str(p) for p in sources.glob(f"*.{suffix}"))
        done = subprocess.run(  # nosec B603 - a fixed program and the files written above
            [SOFFICE, f"-env:UserInstallation={profile}", "--headless",
             f"--infilter={import_filter}", "--convert-to", "pdf", "--outdir", str(out), *files],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        said = done.stdout + done.stderr
        assert done.returncode == 0, said
        # soffice reports a file it could not load or convert with "Error:" and exits 0.
        assert "Error" not in said, said
    return out


def test_every_document_converts_to_pdf_in_libreoffice(
    app: Flask,
    staff: Login,
    submit: Submit,
    accounts: dict[str, DemoAccount],
    tmp_path: Path,
) -> None:
    assert SOFFICE, "install LibreOffice: apt-get install -y libreoffice-writer-nogui"
    health, issued = every_kind(app, staff, submit, accounts)
    sources = tmp_path / "in"
    sources.mkdir()
    for ref, document_id, kind in issued:
        # Both renderings of a kind get a name of their own, so their PDFs do too.
        fetch(health, ref, document_id, kind, sources)
    out = to_pdf(sources, tmp_path)
    pdfs = {p.name for p in out.glob("*.pdf")}
    expected = {f"{kind}-{suffix}.pdf" for kind in KINDS for suffix in ("docx", "html")}
    assert pdfs == expected
    for pdf in out.glob("*.pdf"):
        assert pdf.read_bytes().startswith(b"%PDF"), pdf.name
