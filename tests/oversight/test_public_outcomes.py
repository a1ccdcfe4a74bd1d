"""Public figures of outcomes (docs/rules.md §7, §13): cases with measures and funds recovered
per category, hidden below the small-cell threshold so no single case can be picked out."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from intake.public.views import SMALL_CELL
from tests.console.console import Staff

Login = Callable[[str], Staff]
Submit = Callable[..., tuple[str, str]]


def outcome_row(client: FlaskClient, category_name: str) -> list[str]:
    page = client.get("/figures").get_data(as_text=True)
    table = page[page.index('class="figures outcomes"') :]
    row = re.search(rf"<th scope=\"row\">{category_name}</th>(.*?)</tr>", table)
    assert row is not None
    return re.findall(r"<td>(.*?)</td>", row.group(1))


def conclude_with_recovery(member: Staff, ref: str, yuan: str) -> None:
    member.act(ref, "accept")
    response = member.act(
        ref, "conclude", outcome="结论(虚构)", finding="substantiated", disposal="case_opened",
        fund_recovered=yuan,
    )  # fmt: skip
    assert response.status_code == 303


def test_funds_recovered_show_only_beside_enough_cases(
    app: Flask, client: FlaskClient, staff: Login, submit: Submit
) -> None:
    insurer = staff("healthcare_security")
    refs = [submit(category="insurance_fraud")[1] for _ in range(SMALL_CELL)]
    for ref in refs[:-1]:
        conclude_with_recovery(insurer, ref, "1000")
    assert outcome_row(client, "欺诈骗保") == ["—", "—"]  # four cases: hidden
    conclude_with_recovery(insurer, refs[-1], "0.50")
    assert outcome_row(client, "欺诈骗保") == [str(SMALL_CELL), "4000.50"]
    assert outcome_row(client, "药械回扣") == ["—", "—"]
