"""With the database in hand, nothing orders a reporter's rows against staff activity.

Staff rows carry times to the second; a reporter's rows carry a date only (docs/design.md
"Promises", 1). The attacker holds a copy of the database after staff work and reporters'
actions were interleaved, and sorts every table by everything that could betray the order
of insertion: the ids, and on SQLite the hidden rowid. The neighbours of a reporter's row in
that order would date it between two staff times; here they say nothing.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from intake.domain.models import base
from intake.platform import db
from tests.console.console import Staff
from tests.helpers import check_status, form_values

Submit = Callable[..., tuple[str, str]]
ROUNDS = 10
#: Tables whose rows the public side creates or that sit beside them, with random ids.
RANDOM_IDS = (
    "events", "messages", "notes", "attachments", "report_key_wraps", "supervision_notes",
)  # fmt: skip
#: Tables keyed by something else, which on SQLite must have no hidden rowid.
NO_ROWID = ("reports", "attachment_chunks", "used_form_tokens")


def _ids(app: Flask, table: str) -> set[int]:
    with app.app_context():
        return set(db.session().scalars(text(f"SELECT id FROM {table}")))  # noqa: S608


def _reply(client: FlaskClient, code: str, words: str) -> None:
    values = form_values(check_status(client, code).get_data(as_text=True))
    response = client.post(
        "/status/reply",
        data={"csrf_token": values["csrf_token"], "token": values["token"], "text": words},
    )
    assert response.status_code == 200


def _agreeing_pairs(true_order: list[int], staff: set[int], key_order: list[int]) -> float:
    """The share of (staff row, reporter row) pairs that `key_order` puts in their true order."""
    truth = {row: place for place, row in enumerate(true_order)}
    seen = {row: place for place, row in enumerate(key_order)}
    pairs = [(s, r) for s in staff for r in true_order if r not in staff]
    agree = sum((truth[s] < truth[r]) == (seen[s] < seen[r]) for s, r in pairs)
    return agree / len(pairs)


@pytest.fixture
def interleaved(
    app: Flask, client: FlaskClient, submit: Submit, staff: Callable[[str], Staff]
) -> dict[str, tuple[list[int], set[int]]]:
    """Staff work on one case while a reporter writes on another, turn by turn; for messages
    and events, the true order of insertion and which rows are staff rows."""
    _code_x, worked = submit()
    health = staff("health")
    assert health.act(worked, "accept").status_code == 303
    code, _mine = submit()
    order: dict[str, list[int]] = {"messages": [], "events": []}
    staff_rows: dict[str, set[int]] = {"messages": set(), "events": set()}

    def note_new(before: dict[str, set[int]], by_staff: bool) -> None:
        for table in order:
            new = sorted(_ids(app, table) - before[table])
            order[table] += new
            if by_staff:
                staff_rows[table].update(new)

    for turn in range(ROUNDS):
        before = {table: _ids(app, table) for table in order}
        assert health.act(worked, "message", text=f"第{turn}个问题(虚构)").status_code == 303
        note_new(before, by_staff=True)
        before = {table: _ids(app, table) for table in order}
        _reply(client, code, f"第{turn}条补充(虚构)")
        note_new(before, by_staff=False)
        assert health.act(worked, "note", text=f"备注{turn}(虚构)").status_code == 303
        submit()  # another citizen's report, between staff steps
    return {table: (order[table], staff_rows[table]) for table in order}


def test_ids_do_not_order_a_reporter_against_staff(
    app: Flask, interleaved: dict[str, tuple[list[int], set[int]]]
) -> None:
    for table, (true_order, staff_rows) in interleaved.items():
        assert len(true_order) >= 2 * ROUNDS
        by_id = sorted(true_order)
        # Ids from one sequence agree on every pair; random ids on about half (all of them: one
        # chance in 184,756).
        assert _agreeing_pairs(true_order, staff_rows, by_id) < 1.0, table
    for table in RANDOM_IDS:
        assert all(0 <= row < 2**63 for row in _ids(app, table))


def test_a_copy_of_the_sqlite_file_has_no_hidden_counter(
    app: Flask, interleaved: dict[str, tuple[list[int], set[int]]], tmp_path: Path
) -> None:
    url = app.extensions["qingfeng.settings"].database_url
    if not url.startswith("sqlite:///"):
        # PostgreSQL: ids carry no sequence (checked above and below); see docs/deployment.md
        # for what the heap's physical order still holds.
        with app.app_context():
            sequences = db.session().scalars(text("SELECT sequencename FROM pg_sequences")).all()
        assert not any(s.startswith(RANDOM_IDS) for s in sequences), sequences
        return
    original = Path(url.removeprefix("sqlite:///"))
    for part in original.parent.glob(original.name + "*"):
        shutil.copy(part, tmp_path / part.name.replace(original.name, "copy.sqlite3"))
    stolen = sqlite3.connect(tmp_path / "copy.sqlite3")
    try:
        for table in RANDOM_IDS:
            # The id is the rowid itself: no second counter beside it.
            (differing,) = stolen.execute(
                f"SELECT count(*) FROM {table} WHERE rowid != id"  # noqa: S608
            ).fetchone()
            assert differing == 0, table
        for table in NO_ROWID:
            with pytest.raises(sqlite3.OperationalError, match="no such column"):
                stolen.execute(f"SELECT rowid FROM {table}")  # noqa: S608
        for table, (true_order, staff_rows) in interleaved.items():
            by_rowid = [row for (row,) in stolen.execute(f"SELECT id FROM {table} ORDER BY rowid")]  # noqa: S608
            by_rowid = [row for row in by_rowid if row in set(true_order)]
            assert _agreeing_pairs(true_order, staff_rows, by_rowid) < 1.0, table
        # Reports: in the order the file keeps them, nothing follows their submission.
        stored = [row for (row,) in stolen.execute("SELECT reference FROM reports")]
        assert len(stored) == ROUNDS + 2
    finally:
        stolen.close()


def _physical_order(app: Flask, table: str) -> list[int]:
    """The ids of `table` in the order their rows sit in the database's files."""
    url = app.extensions["qingfeng.settings"].database_url
    with app.app_context():
        rows = db.session().execute(text(f"SELECT id, body FROM {table}")).all()  # noqa: S608
        if not url.startswith("sqlite:///"):
            return list(
                db.session().scalars(text(f"SELECT id FROM {table} ORDER BY ctid"))  # noqa: S608
            )
    # SQLite: where each row's ciphertext lies in a copy of the file (and its log).
    original = Path(url.removeprefix("sqlite:///"))
    copied = b"".join(
        part.read_bytes() for part in sorted(original.parent.glob(original.name + "*"))
    )
    return [
        row_id
        for _offset, row_id in sorted((copied.find(bytes(body)), row_id) for row_id, body in rows)
    ]


def test_reorder_leaves_no_trace_of_the_order_of_writing(
    app: Flask, interleaved: dict[str, tuple[list[int], set[int]]]
) -> None:
    # Before `qingfeng db reorder`, rows sit in the files in the order they were written (on
    # PostgreSQL the heap, on SQLite the cells of each page); after it, in key order.
    true_order, staff_rows = interleaved["messages"]
    with app.app_context():
        base.reorder(db.session())
    after = _physical_order(app, "messages")
    assert sorted(after) == sorted(true_order)
    assert _agreeing_pairs(true_order, staff_rows, after) < 1.0
