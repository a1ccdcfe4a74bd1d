"""The Big List of Naughty Strings as the console shows it: reports, notes and messages with
every string render escaped on the case page, and the reporter reads staff messages back
unchanged (after the documented normalisation)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from intake.domain.cases.text import normalise_text
from tests.console.console import Staff
from tests.helpers import check_status
from tests.security.test_naughty_strings import naughty_strings

MARKUP = re.compile(r"<(script|img|svg|iframe|object|embed|math|style|link|meta|base)\b", re.I)


def test_naughty_strings_are_escaped_on_the_case_page(
    app: Flask,
    client: FlaskClient,
    staff: Callable[[str], Staff],
    submit: Callable[..., tuple[str, str]],
) -> None:
    strings = [s for s in naughty_strings() if normalise_text(s).strip()]
    health = staff("health")
    pages = []
    # A handful of reports, each carrying a slice of the list in every field and in notes.
    for start in range(0, len(strings), 60):
        batch = strings[start : start + 60]
        code, ref = submit(
            what_happened="\n".join(batch)[:20_000],
            institution=batch[0][:500],
            people=batch[-1][:500],
        )
        for text in batch[:12]:
            assert health.act(ref, "note", text=text[:5000]).status_code == 303, text
            assert health.act(ref, "message", text=text[:5000]).status_code == 303, text
        page = health.client.get(f"/admin/cases/{ref}").get_data(as_text=True)
        pages.append(page)
        # Nothing a string carries becomes markup: the only tags are the page's own.
        own = set(MARKUP.findall(health.client.get("/admin/queue").get_data(as_text=True)))
        assert set(MARKUP.findall(page)) <= own, ref
        reporter_view = check_status(client, code).get_data(as_text=True)
        shown = html.unescape(reporter_view.replace("<br>\n", "\n"))
        for text in batch[:12]:
            assert normalise_text(text[:5000]) in shown, text
    assert len(pages) >= 7
