"""The `qingfeng` command: demo, serve, migrations, hotline tokens, key rotation.

admin/cli.py adds the console's commands (staff accounts, audit) to the same group.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import click
from sqlalchemy import make_url

from intake.config import Settings
from intake.domain.installation import install_demo
from intake.domain.keys import hotline
from intake.domain.setup import Readiness, readiness
from intake.platform import context, db
from intake.platform.factory import create_app

if TYPE_CHECKING:
    from flask import Flask


def check_ready(app: Flask) -> None:
    """Refuse to start an installation that is not ready, naming the command that fixes it;
    say which bureaus still wait for their founder (they need the console to enrol)."""
    with app.app_context():
        state = readiness(db.session(), app.extensions["qingfeng.taxonomy"])
    if not state.ready:
        raise click.ClickException(
            "This installation is not ready to serve:\n  " + "\n  ".join(state.problems())
        )
    echo_waiting(state)


def waiting_words(founder: str | None, active: bool) -> str:
    """What a bureau without a key waits for, in words."""
    if founder is None or not active:
        return "no key and no active founder: run `qingfeng bureaus setup`"
    return f"no key yet: waiting for its founder {founder} to log in and enrol"


def echo_waiting(state: Readiness) -> None:
    """Say which bureaus still wait for their founder, and whether reports can be taken."""
    if state.waiting:
        click.echo("Bureaus waiting for their founder's first login (reports for them go to the")
        click.echo("intake desk, which transfers them once the bureau is ready):")
        for waiting in state.waiting:
            click.echo(
                f"  {waiting.code}: {waiting_words(waiting.founder, waiting.founder_active)}"
            )
    if not state.takes_reports:
        click.echo(
            "Reports are refused (the reporter keeps what they typed) until the intake desk's\n"
            "founder has logged in and enrolled."
        )


@click.group()
def main() -> None:
    """Qingfeng (清风): anonymous reporting for medical-sector anti-corruption campaigns."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--no-serve", is_flag=True, help="Set up the demo installation and exit.")
def demo(host: str, port: int, no_serve: bool) -> None:
    """Run the embedded default: SQLite under instance/, demo bureaus and staff."""
    settings = Settings.from_env()
    app = create_app(settings)
    with app.app_context():
        db.database().upgrade()
        accounts = install_demo(db.session(), settings, app.extensions["qingfeng.taxonomy"])
    # Never a password on the screen (or in a log the output is kept in).
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    click.echo(f"Database: {shown}")
    if accounts:
        click.echo(
            "Demo staff accounts (invented demo data; temporary passwords, shown only now).\n"
            "Log in at /admin/login; the first login asks for a new password and sets up an\n"
            "authenticator app (TOTP), then shows the account's recovery key."
        )
        for account in accounts:
            click.echo(f"  {account.username:<28} password {account.password}  ({account.role})")
    else:
        click.echo("Demo installation already exists; its staff passwords were shown when created.")
    click.echo(
        "Never use the demo installation for real reports: its keys are locked under the\n"
        "passwords printed here. A real installation: docs/operations.md, First installation."
    )
    check_ready(app)
    if no_serve:
        return
    from intake.platform.serving import serve

    click.echo(f"Serving on http://{host}:{port}/  (Ctrl-C to stop)")
    serve(app, host, port)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def serve(ctx: click.Context) -> None:
    """Run production: migrate, then gunicorn with intake/gunicorn_conf.py (extra args pass on)."""
    import os
    import sys

    from intake.config import ROOT

    app = create_app()
    with app.app_context():
        db.database().upgrade()
    check_ready(app)
    command = [sys.executable, "-m", "gunicorn", "--chdir", str(ROOT),
               "-c", "python:intake.platform.gunicorn_conf", *ctx.args, "wsgi:app"]  # fmt: skip
    # Replace this process with gunicorn; the command is ours, not user input.
    os.execv(sys.executable, command)  # noqa: S606  # nosec B606


@main.command("rotate-bureau-key")
@click.argument("bureau")
@click.option(
    "--username", required=True, help="A member of BUREAU, who proves it with a password."
)
@click.password_option("--password", confirmation_prompt=False, help="Prompted when not given.")
def rotate_bureau_key(bureau: str, username: str, password: str) -> None:
    """Give BUREAU a new key pair and re-seal its reports and members' copies."""
    from sqlalchemy import select

    from crypto.errors import DecryptionError
    from intake.domain.keys import keyring
    from intake.domain.models import StaffMember

    app = create_app()
    with app.app_context():
        session = db.session()
        member = session.scalars(
            select(StaffMember).where(StaffMember.username == username, StaffMember.active)
        ).first()
        try:
            if member is None:
                raise KeyError(username)
            staff_private = keyring.unlock_staff_key(member, password)
            count = keyring.rotate_bureau_key(session, member, staff_private, bureau)
        except (KeyError, DecryptionError):
            raise click.ClickException(
                f"{username!r} is not an active member of {bureau!r} with that password"
            ) from None
    click.echo(f"Bureau {bureau}: new key; {count} report keys re-sealed.")


@main.command()
def tick() -> None:
    """Mark cases due soon and overdue (once per deadline), e-mail the bureaus' members,
    count the statistics of months that have just finished, and (SQLite) refresh the query
    planner's statistics."""
    from intake.domain.models import base
    from intake.domain.oversight import settled_months
    from intake.domain.oversight import tick as ticking

    app = create_app()
    with app.app_context():
        session = db.session()
        result = ticking.tick(session, context.today())
        mailed = ticking.notify(session, context.settings(), result)
        months = settled_months.count_recent(session, context.today())
        base.refresh_statistics(session)
    click.echo(
        f"{len(result.overdue)} newly overdue, {len(result.due_soon)} due soon; "
        f"{len(mailed)} reminder(s) sent; {months} finished month(s) of statistics counted."
    )


@main.command()
@click.option("--dry-run", is_flag=True, help="List what would be destroyed; change nothing.")
def purge(dry_run: bool) -> None:
    """Destroy (crypto-shred) cases concluded longer ago than QINGFENG_RETENTION_DAYS."""
    from intake.domain.models.base import CheckpointBusy
    from intake.domain.oversight import retention

    app = create_app()
    with app.app_context():
        days = context.settings().retention_days
        try:
            references = retention.purge(db.session(), context.today(), days, dry_run)
        except CheckpointBusy as exc:
            # The cases are destroyed in the database, but their bytes are still in the log.
            raise click.ClickException(
                f"{exc}: another process holds the database (stop it or retry when idle)"
            ) from exc
    verb = "Would destroy" if dry_run else "Destroyed"
    click.echo(f"{verb} {len(references)} case(s) concluded more than {days} days ago.")
    for reference in references:
        click.echo(f"  {reference}")


@main.group("db")
def db_group() -> None:
    """Schema migrations (Alembic)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Upgrade the database schema to REVISION (default: the newest)."""
    from intake.platform import migrate

    app = create_app()
    with app.app_context():
        migrate.upgrade(db.database().engine, revision)
    click.echo(f"Schema upgraded to {revision}.")


@db_group.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Downgrade the database schema to REVISION ("base" removes every table)."""
    from intake.platform import migrate

    app = create_app()
    with app.app_context():
        migrate.downgrade(db.database().engine, revision)
    click.echo(f"Schema downgraded to {revision}.")


@main.group("hotline-token")
def hotline_token() -> None:
    """Bearer tokens of call-centre systems (they can submit, never read)."""


@hotline_token.command("create")
@click.argument("name")
def hotline_token_create(name: str) -> None:
    """Create a token for NAME and print it once."""
    app = create_app()
    with app.app_context():
        db.database().upgrade()
        try:
            token = hotline.create_token(db.session(), name, context.today())
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"Token for {name} (shown only now; store it in the call-centre system):")
    click.echo(token)


@hotline_token.command("revoke")
@click.argument("name")
def hotline_token_revoke(name: str) -> None:
    """Revoke the token of NAME; its posts are refused from now on."""
    app = create_app()
    with app.app_context():
        if not hotline.revoke_token(db.session(), name, context.today()):
            raise click.ClickException(f"no active token named {name!r}")
    click.echo(f"Revoked the token of {name}.")


if __name__ == "__main__":
    main()
