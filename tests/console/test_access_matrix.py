"""Every console route × every role × own bureau / other bureau / no session.

The routes come from the app's URL map, so a new route without an entry here fails the test:
nothing can be added to the console without saying who may use it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.domain.cases.reports import open_with_receipt
from intake.domain.evidence import attachments
from intake.domain.evidence.filetypes import KINDS
from intake.domain.keys import hotline
from intake.domain.keys.keyring import create_staff
from intake.domain.models import StaffMember
from intake.platform import context, db
from tests.console.console import Staff, post

ROLES = ("intake", "handler", "supervisor", "admin", "none")
LOGIN = "login"  # expected: a redirect to the login page

OK_ALL = dict.fromkeys(ROLES, 200)


def only(allowed: dict[str, int], refused: int = 403) -> dict[str, int]:
    """Expected statuses: `allowed` for those roles, `refused` for the others, login for none."""
    out = {role: allowed.get(role, refused) for role in ROLES}
    out["none"] = allowed.get("none", LOGIN)  # type: ignore[assignment]
    return out


@dataclass(frozen=True)
class Check:
    """One request to make as every role, and what each role must get."""

    path: str
    expected: dict[str, int | str]
    data: dict[str, str] = field(default_factory=dict)


def matrix(
    own: str, other: str, throwaway: int, token: int, file_id: int = 0, other_file: int = 0
) -> dict[tuple[str, str], list[Check]]:
    """The expectations per (endpoint, method)."""
    case_roles = {"intake": 200, "handler": 200}
    return {
        ("admin.auth.login", "GET"): [Check("/admin/login", OK_ALL)],
        ("admin.auth.recover", "GET"): [Check("/admin/recover", OK_ALL)],
        ("admin.home", "GET"): [Check("/admin/", only(dict.fromkeys(ROLES[:4], 303)))],
        ("admin.auth.enrol", "GET"): [Check("/admin/enrol", only(dict.fromkeys(ROLES[:4], 303)))],
        ("admin.auth.reauth", "GET"): [Check("/admin/reauth", only(dict.fromkeys(ROLES[:4], 200)))],
        ("admin.auth.password", "GET"): [
            Check("/admin/password", only(dict.fromkeys(ROLES[:4], 200)))
        ],
        # Every member has a personal key to rotate; an empty form is refused as invalid.
        ("admin.auth.rotate_key", "POST"): [
            Check("/admin/password/key", only(dict.fromkeys(ROLES[:4], 422)))
        ],
        ("admin.people.bureaus", "GET"): [
            Check("/admin/bureaus", only(dict.fromkeys(ROLES[:4], 200)))
        ],
        ("admin.cases.queue_page", "GET"): [
            Check("/admin/queue", only({"intake": 200, "handler": 200}))
        ],
        ("admin.cases.case", "GET"): [
            Check(f"/admin/cases/{own}", only(case_roles)),
            Check(f"/admin/cases/{other}", only({"intake": 404, "handler": 404})),
            Check("/admin/cases/QF-NOSUCH00", only({"intake": 404, "handler": 404})),
        ],
        ("admin.cases.case_action", "POST"): [
            Check(
                f"/admin/cases/{own}/note",
                only({"intake": 303, "handler": 303}),
                {"note-text": "matrix note"},
            ),
            Check(
                f"/admin/cases/{other}/note",
                only({"intake": 404, "handler": 404}),
                {"note-text": "matrix note"},
            ),
            # Rewards are the lead bureau's (docs/rules.md §5): nothing proposed yet, so the
            # handler is refused with a message, everyone else before that.
            Check(f"/admin/cases/{own}/reward_approve", only({"intake": 403, "handler": 422})),
            Check(f"/admin/cases/{own}/reward_pay", only({"intake": 403, "handler": 422})),
            Check(f"/admin/cases/{other}/reward_propose", only({"intake": 404, "handler": 404})),
        ],
        # Only the lead bureau (the handler's) marks a repeat; an empty form is refused.
        ("admin.repeats.mark", "POST"): [
            Check(f"/admin/cases/{own}/repeat", only({"intake": 403, "handler": 422})),
            Check(f"/admin/cases/{other}/repeat", only({"intake": 404, "handler": 404})),
        ],
        ("admin.case_reviews.record", "POST"): [
            Check(f"/admin/cases/{own}/review/999999", only({"intake": 403, "handler": 404})),
            Check(f"/admin/cases/{other}/review/999999", only({"intake": 404, "handler": 404})),
        ],
        ("admin.reviews.rounds", "GET"): [Check("/admin/reviews", only({"supervisor": 200}))],
        ("admin.reviews.open_round", "POST"): [Check("/admin/reviews", only({"supervisor": 422}))],
        ("admin.reviews.round_page", "GET"): [
            Check("/admin/reviews/999999", only({"supervisor": 404}))
        ],
        ("admin.cases.download", "GET"): [
            Check(f"/admin/cases/{own}/files/{file_id}", only({"intake": 200, "handler": 200})),
            Check(f"/admin/cases/{own}/files/999999", only({"intake": 404, "handler": 404})),
            Check(
                f"/admin/cases/{other}/files/{other_file}", only({"intake": 404, "handler": 404})
            ),
        ],
        # Documents (文书): only a bureau that reads the case opens one; none issued here.
        ("admin.cases.document", "GET"): [
            Check(f"/admin/cases/{own}/documents/999999", only({"intake": 404, "handler": 404})),
            Check(f"/admin/cases/{other}/documents/1", only({"intake": 404, "handler": 404})),
        ],
        ("admin.cases.document_docx", "GET"): [
            Check(
                f"/admin/cases/{own}/documents/999999.docx", only({"intake": 404, "handler": 404})
            ),
        ],
        # 督办函: the supervisor's, on a case in any bureau; no letter issued here yet.
        ("admin.supervision.supervision_letter", "POST"): [
            Check(f"/admin/cases/{other}/supervision-letter", only({"supervisor": 303})),
            Check("/admin/cases/QF-NOSUCH00/supervision-letter", only({"supervisor": 404})),
        ],
        ("admin.supervision.letter", "GET"): [
            Check(f"/admin/cases/{own}/supervision-letter/999999", only({"supervisor": 404})),
        ],
        ("admin.supervision.letter_docx", "GET"): [
            Check(f"/admin/cases/{own}/supervision-letter/999999.docx", only({"supervisor": 404})),
        ],
        ("admin.supervision.case_audit", "GET"): [
            Check(f"/admin/cases/{own}/audit", only({"supervisor": 200})),
            Check(f"/admin/cases/{other}/audit", only({"supervisor": 200})),
        ],
        ("admin.supervision.overdue", "GET"): [Check("/admin/overdue", only({"supervisor": 200}))],
        ("admin.supervision.typical_cases", "GET"): [
            Check("/admin/typical", only({"supervisor": 200}))
        ],
        ("admin.supervision.approve_typical", "POST"): [
            Check("/admin/typical/999999/approve", only({"supervisor": 404}))
        ],
        ("admin.supervision.find", "GET"): [
            Check(f"/admin/find?reference={other}", only({"supervisor": 303}))
        ],
        ("admin.supervision.supervise", "POST"): [
            Check(f"/admin/cases/{own}/supervise", only({"supervisor": 303}), {"text": "m"}),
            Check(f"/admin/cases/{other}/supervise", only({"supervisor": 303}), {"text": "m"}),
            Check("/admin/cases/QF-NOSUCH00/supervise", only({"supervisor": 404})),
        ],
        ("admin.hand_downs.board", "GET"): [Check("/admin/hand-downs", only({"supervisor": 200}))],
        ("admin.hand_downs.record_event", "POST"): [
            Check("/admin/supervision-events", only({"supervisor": 303}), {"kind": "interview"})
        ],
        ("admin.statistics.stats", "GET"): [
            Check("/admin/stats?month=2026-10", only({"supervisor": 200}))
        ],
        ("admin.statistics.stats_export", "GET"): [
            Check("/admin/stats/export?month=2026-10&format=csv", only({"supervisor": 200}))
        ],
        ("admin.statistics.ledger", "GET"): [
            Check(
                "/admin/ledger?bureau=health&format=csv",
                only({"intake": 404, "handler": 200, "supervisor": 200}),
            ),
            Check(
                "/admin/ledger?bureau=market_regulation&format=csv",
                only({"intake": 404, "handler": 404, "supervisor": 200}),
            ),
        ],
        ("admin.recording.record", "GET"): [Check("/admin/record", only({"intake": 200}))],
        ("admin.people.grant", "GET"): [
            Check(
                "/admin/bureaus/health/grant",
                only({"intake": 404, "handler": 200}),
            ),
            Check(
                "/admin/bureaus/market_regulation/grant",
                only({"intake": 404, "handler": 404}),
            ),
        ],
        ("admin.people.accounts", "GET"): [Check("/admin/accounts", only({"admin": 200}))],
        ("admin.people.account_action", "POST"): [
            Check(f"/admin/accounts/{throwaway}/reset-2fa", only({"admin": 303}))
        ],
        ("admin.people.tokens", "GET"): [Check("/admin/tokens", only({"admin": 200}))],
        ("admin.people.token_revoke", "POST"): [
            Check(f"/admin/tokens/{token}/revoke", only({"admin": 303}))
        ],
        # Last: it ends the session of whoever is asked.
        ("admin.auth.logout", "POST"): [
            Check("/admin/logout", only(dict.fromkeys(ROLES[:4], 303)))
        ],
    }


def discovered(app: Flask) -> set[tuple[str, str]]:
    """Every (endpoint, method) the console serves."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin."):
            found.update((rule.endpoint, m) for m in rule.methods or () if m in ("GET", "POST"))
    return found


@pytest.fixture
def setup(
    app: Flask, staff: Callable[[str], Staff], submit: Callable[..., tuple[str, str]]
) -> tuple[str, str, int, int, int, int]:
    own_code, own = submit(category="kickbacks")
    other_code, other = submit(category="advertising_pricing")
    assert staff("market_regulation").act(other, "accept").status_code == 303
    with app.app_context():
        session = db.session()
        settings = context.settings()
        member = create_staff(
            session, "throwaway", "handler", "throwaway-password", settings.password_kdf
        )
        session.commit()
        token_name = "matrix-call-centre"
        hotline.create_token(session, token_name, context.today())
        from intake.domain.models import HotlineToken

        token = session.scalars(
            select(HotlineToken.id).where(HotlineToken.name == token_name)
        ).one()
        file_ids = []
        for code in (own_code, other_code):
            opened = open_with_receipt(session, settings, code)
            pdf = b"%PDF-1.4\n%%EOF\n"
            checked = attachments.Checked("m.pdf", KINDS["pdf"], False, io.BytesIO(pdf), len(pdf))
            stored = attachments.store(
                session, opened.report, opened.data_key, checked, "reporter", context.today()
            )
            session.commit()
            file_ids.append(stored.id)
        return own, other, member.id, token, file_ids[0], file_ids[1]


def test_every_console_route_is_in_the_matrix(
    app: Flask, setup: tuple[str, str, int, int, int, int]
) -> None:
    declared = set(matrix(*setup))
    assert (
        discovered(app)
        - {
            ("admin.auth.login", "POST"),
            ("admin.auth.recover", "POST"),
            ("admin.auth.enrol", "POST"),
            ("admin.auth.reauth", "POST"),
            ("admin.auth.password", "POST"),
            ("admin.people.accounts", "POST"),
            ("admin.people.tokens", "POST"),
            ("admin.recording.record", "POST"),
            ("admin.people.grant", "POST"),
        }
        == declared
    )


PUBLIC_POSTS = {("admin.auth.login", "POST"), ("admin.auth.recover", "POST")}

# The POST forms of pages whose GET is in the matrix: the same guard protects both, which
# test_posts_are_guarded_like_their_pages proves for every role.
FORM_POSTS = {
    "admin.auth.enrol": "/admin/enrol",
    "admin.auth.reauth": "/admin/reauth",
    "admin.auth.password": "/admin/password",
    "admin.people.accounts": "/admin/accounts",
    "admin.people.tokens": "/admin/tokens",
    "admin.recording.record": "/admin/record",
    "admin.people.grant": "/admin/bureaus/health/grant",
}


def _clients(app: Flask, staff: Callable[[str], Staff]) -> dict[str, FlaskClient]:
    return {
        "intake": staff("intake").client,
        "handler": staff("health").client,
        "supervisor": staff("supervisor").client,
        "admin": staff("admin").client,
        "none": app.test_client(),
    }


def _request(client: FlaskClient, method: str, check: Check) -> tuple[int, str]:
    response = client.get(check.path) if method == "GET" else post(client, check.path, check.data)
    # Read the whole body: a streamed download keeps its database transaction open until then.
    response.get_data()
    return response.status_code, response.headers.get("Location", "")


def test_every_route_refuses_every_role_it_should(
    app: Flask, staff: Callable[[str], Staff], setup: tuple[str, str, int, int, int, int]
) -> None:
    clients = _clients(app, staff)
    failures = []
    for (endpoint, method), checks in matrix(*setup).items():
        for check in checks:
            for role in ROLES:
                status, location = _request(clients[role], method, check)
                want = check.expected[role]
                if want == LOGIN:
                    ok = status == 303 and "/admin/login" in location
                else:
                    ok = status == want
                if not ok:
                    failures.append(
                        f"{role} {method} {check.path} ({endpoint}): {status}, want {want}"
                    )
    assert failures == []


def test_posts_are_guarded_like_their_pages(
    app: Flask, staff: Callable[[str], Staff], setup: tuple[str, str, int, int, int, int]
) -> None:
    del setup
    clients = _clients(app, staff)
    pages = matrix("x", "y", 0, 0)
    failures = []
    for endpoint, path in FORM_POSTS.items():
        get_expected = next(c for c in pages[(endpoint, "GET")] if c.path == path).expected
        for role in ROLES:
            status, location = _request(clients[role], "POST", Check(path, {}))
            want = get_expected[role]
            if want == LOGIN:
                ok = status == 303 and "/admin/login" in location
            elif want in (403, 404):
                ok = status == want
            else:
                # Allowed: an empty form is refused as invalid, or sends a member off to
                # re-authenticate / home, never a server error.
                ok = status in (303, 401, 422)
            if not ok:
                failures.append(f"{role} POST {path}: {status}, want like GET {want}")
    assert failures == []


def test_every_post_needs_a_csrf_token(
    app: Flask, staff: Callable[[str], Staff], setup: tuple[str, str, int, int, int, int]
) -> None:
    handler = staff("health").client
    own = setup[0]
    failures = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin.") or "POST" not in (rule.methods or ()):
            continue
        path = (
            rule.rule.replace("<reference>", own)
            .replace("<action>", "note")
            .replace("<int:staff_id>", "1")
            .replace("<int:token_id>", "1")
            .replace("<int:typical_id>", "1")
            .replace("<code>", "health")
            .replace("<int:item_id>", "1")
        )
        response = handler.post(path, data={"note-text": "no token"})
        if response.status_code != 400:
            failures.append(f"{path}: {response.status_code}")
    assert failures == []
    with app.app_context():
        assert (
            db.session()
            .scalars(select(StaffMember).where(StaffMember.username == "throwaway"))
            .one()
        )
