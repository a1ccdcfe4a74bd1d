"""`qingfeng bureaus setup|list`: a real installation's bureaus, each founded by its first member.

intake/domain/setup.py says how a bureau gets its key; docs/operations.md, "First
installation", is the operator's side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from flask_babel import force_locale

from intake.platform import context, db
from intake.platform.cli import echo_waiting, waiting_words
from intake.platform.factory import create_app

if TYPE_CHECKING:
    from intake.domain.setup import FounderAccount

LANGS = click.Choice(["zh_CN", "en"])


@click.group("bureaus")
def bureaus_group() -> None:
    """The installation's bureaus: create those the taxonomy names, and list their state."""


@bureaus_group.command("setup")
@click.option("--lang", type=LANGS, default="zh_CN", help="Language of the names printed.")
def bureaus_setup(lang: str) -> None:
    """Create every bureau of the taxonomy that does not exist yet, each with a first member
    (its founder); print each founder's username and temporary password, once."""
    from admin import audit
    from intake.domain.setup import handles, readiness, setup_bureaus

    app = create_app()
    with app.test_request_context(), force_locale(lang):
        session, taxonomy = db.session(), context.taxonomy()
        accounts = setup_bureaus(session, context.settings(), taxonomy)
        for account in accounts:
            audit.record(
                session,
                None,
                "account_created",
                actor_name="cli",
                username=account.username,
                role=account.role,
                founds=account.bureau.code,
            )
        session.commit()
        described = [(a, handles(taxonomy, a.bureau.code, lang)) for a in accounts]
        state = readiness(session, taxonomy)
    if not accounts:
        click.echo("Every bureau of the taxonomy exists already; nothing was created.")
    else:
        echo_founders(described, lang)
    echo_waiting(state)


def echo_founders(described: list[tuple[FounderAccount, str]], lang: str) -> None:
    """Print each new bureau's founder with their temporary password, once."""
    click.echo(
        "Bureaus created, each with its first member (founder). Temporary passwords, shown\n"
        "only now: give each to its founder in person."
    )
    for account, what in described:
        click.echo(f"  {account.bureau.name(lang)} [{account.bureau.code}]: {what}")
        click.echo(f"  {account.username:<28} password {account.password}  ({account.role})")
    click.echo(
        "Each founder logs in at /admin/login with that password, chooses their own password\n"
        "and sets up an authenticator app (TOTP); that first login makes the bureau's key,\n"
        "sealed to the founder alone. Colleagues get it later from a member (console,\n"
        "Bureaus → Add a member). If a founder's temporary password no longer works, someone\n"
        "else logged in first: tell the supervisor and do not use that bureau."
    )


@bureaus_group.command("list")
def bureaus_list() -> None:
    """Each bureau of the taxonomy: ready, waiting for its founder, or missing."""
    from intake.domain.setup import readiness

    app = create_app()
    with app.app_context():
        state = readiness(db.session(), context.taxonomy())
        names = {b.code: b.name("zh_CN") for b in context.taxonomy().bureaus}
    waiting = {w.code: w for w in state.waiting}
    for code, name in names.items():
        if code in state.missing:
            status = "missing: run `qingfeng bureaus setup`"
        elif code in waiting:
            status = waiting_words(waiting[code].founder, waiting[code].founder_active)
        else:
            status = "ready (holds its key)"
        click.echo(f"  {code:<22} {name}: {status}")
    for problem in state.problems():
        click.echo(problem)
