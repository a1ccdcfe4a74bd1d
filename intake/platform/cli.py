"""The `qingfeng` command: demo, serve, migrations, hotline tokens, key rotation.

admin/cli.py adds the console's commands (staff accounts, audit) to the same group.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import click
from flask_babel import force_locale
from sqlalchemy import inspect, make_url

from intake.config import Settings
from intake.domain.codes import Role
from intake.domain.demo_cases import MARK, add_sample_cases
from intake.domain.demo_units import add_demo_counties
from intake.domain.installation import DemoAccount, install_demo, is_demo
from intake.domain.keys import hotline
from intake.domain.setup import KEYLESS_HANDLES, Readiness, handles, readiness
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
@click.option(
    "--reset",
    is_flag=True,
    help="Erase the demo installation and start over: new passwords, new sample cases.",
)
@click.option("--empty", is_flag=True, help="Set up the demo without its sample cases.")
@click.option(
    "--counties",
    is_flag=True,
    help="An invented city above the demo county, beside two more invented counties.",
)
@click.option("--lang", type=click.Choice(["zh_CN", "en"]), default="zh_CN", show_default=True,
              help="Language of the bureau names printed.")  # fmt: skip
def demo(
    host: str, port: int, no_serve: bool, reset: bool, empty: bool, counties: bool, lang: str
) -> None:
    """Run the embedded default: SQLite under instance/, demo bureaus, staff and sample cases."""
    # The demo's first screen is the accounts: no migration log, no Werkzeug banner.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    settings = Settings.from_env()
    app = create_app(settings)
    if reset:
        _erase_demo(app)
    keys: dict[str, bytes] = {}
    samples = None
    with app.app_context():
        db.database().upgrade()
        session, taxonomy = db.session(), app.extensions["qingfeng.taxonomy"]
        accounts = install_demo(session, settings, taxonomy, keys)
        if accounts and not empty and set(keys) == {b.code for b in taxonomy.bureaus}:
            samples = add_sample_cases(session, settings, taxonomy, keys, context.today())
        keys.clear()
        if counties:
            accounts += add_demo_counties(
                session, settings, taxonomy, context.today(), cases=not empty
            )
    # Never a password on the screen (or in a log the output is kept in).
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    click.echo(f"Database: {shown}")
    if samples is not None:
        click.echo(
            f"Sample cases: {samples.total} invented cases over the last three months, in every"
            f" state,\neach text marked {MARK} (demo data, invented)."
        )
    click.echo(
        "Never use the demo installation for real reports: its keys are locked under the\n"
        "passwords printed here. A real installation: docs/operations.md, First installation."
    )
    check_ready(app)
    address = f"http://{host}:{port}/"
    if not no_serve:
        click.echo(f"Serving on {address}  (Ctrl-C to stop)")
    _echo_accounts(app, accounts, lang, address)
    if no_serve:
        return
    from intake.platform.serving import serve

    serve(app, host, port)


#: The frame around the demo's accounts, the last thing it prints.
RULE = "=" * 78


def _echo_accounts(app: Flask, accounts: list[DemoAccount], lang: str, address: str) -> None:
    """The demo accounts, framed: per account what it handles, then its name and password."""
    click.echo(RULE)
    if not accounts:
        click.echo(
            "The demo installation already exists; its staff passwords were shown once, when it\n"
            "was created, and are stored nowhere. To start over with new passwords (and new\n"
            "sample cases; everything in the demo is erased): qingfeng demo --reset"
        )
        click.echo(RULE)
        return
    click.echo(
        "Demo staff accounts (invented demo data; temporary passwords, shown only now).\n"
        f"Log in at {address}admin/login. The first login asks for a new password\n"
        "and sets up an authenticator app (TOTP), then shows the account's recovery key."
    )
    taxonomy = app.extensions["qingfeng.taxonomy"]
    with app.test_request_context(), force_locale(lang):
        for account in accounts:
            if account.bureau is not None:
                bureau = taxonomy.bureau(account.bureau)
                colon = ": " if lang == "en" else "："
                what = f"{bureau.name(lang)}{colon}{handles(taxonomy, account.bureau, lang)}"
            else:
                what = str(KEYLESS_HANDLES[Role(account.role)])
            click.echo(f"  {what}")
            click.echo(f"  {account.username:<28} password {account.password}  ({account.role})")
    click.echo(RULE)


def _erase_demo(app: Flask) -> None:
    """Erase a demo installation for `--reset`; refuse anything else."""
    with app.app_context():
        database = db.database()
        if "staff" in inspect(database.engine).get_table_names():
            if not is_demo(db.session()):
                raise click.ClickException(
                    "This database is not a demo installation (its bureaus were founded by\n"
                    "`qingfeng bureaus setup`); --reset erases only a demo. Nothing was changed."
                )
            db.session().close()
        database.erase()


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
            count = keyring.rotate_bureau_key(
                session, member, staff_private, bureau, context.settings().secret_key
            )
        except (KeyError, DecryptionError):
            raise click.ClickException(
                f"{username!r} is not an active member of {bureau!r} with that password"
            ) from None
    click.echo(f"Bureau {bureau}: new key; {count} report keys re-sealed.")


@main.group("keys")
def keys_group() -> None:
    """The public keys reports are sealed to."""


@keys_group.command("authenticate")
@click.option(
    "--previous-secret-key",
    envvar="QINGFENG_PREVIOUS_SECRET_KEY",
    help="After QINGFENG_SECRET_KEY was changed: the old one (hex), which proves the stored "
    "MACs. Read from QINGFENG_PREVIOUS_SECRET_KEY when not given.",
)
def keys_authenticate(previous_secret_key: str | None) -> None:
    """Once, after the upgrade that added key MACs: give every stored public key without a
    MAC its MAC (nothing is sealed to such a key until then); after the secret key was
    changed, carry the MACs the old one proves over to the new one. A key whose MAC does not
    match is left as it is and reported."""
    from intake.domain.keys import keyring

    try:
        previous = bytes.fromhex(previous_secret_key) if previous_secret_key else None
    except ValueError:
        raise click.BadParameter("hexadecimal", param_hint="--previous-secret-key") from None
    app = create_app()
    with app.app_context():
        session = db.session()
        found = keyring.authenticate_stored_keys(session, context.settings().secret_key, previous)
        session.commit()
    for key in found:
        if key.state == "authenticated":
            click.echo(f"{key.kind} {key.name}: public key authenticated")
        elif key.state == "tampered":
            click.echo(f"{key.kind} {key.name}: MAC does not match; left as it is")
    done = sum(key.state == "authenticated" for key in found)
    already = sum(key.state == "ok" for key in found)
    click.echo(f"{done} public key(s) authenticated now, {already} already were.")
    tampered = [f"{key.kind} {key.name}" for key in found if key.state == "tampered"]
    if tampered:
        raise click.ClickException(
            f"{len(tampered)} public key(s) do not match their MAC: they were changed outside "
            f"Qingfeng ({', '.join(tampered)}). Nothing is sealed to them; find out who changed "
            "them, then rotate those keys."
        )


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
        result = ticking.tick(session, context.today(), context.settings())
        mailed = ticking.notify(session, context.settings(), result)
        months = settled_months.count_recent(session, context.today())
        base.refresh_statistics(session)
    click.echo(
        f"{len(result.overdue)} newly overdue, {len(result.due_soon)} due soon, "
        f"{len(result.late_feedback)} real-name feedback(s) overdue; "
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


@db_group.command("reorder")
def db_reorder() -> None:
    """Rewrite the case tables in key order, so their physical order tells nothing of when rows
    were written. Locks each table while it runs: outside office hours (docs/deployment.md)."""
    from intake.domain.models import base

    app = create_app()
    with app.app_context():
        base.reorder(db.session())
    click.echo("Case tables rewritten in key order.")


@main.group("hotline-token")
def hotline_token() -> None:
    """Bearer tokens of call-centre systems (they can submit, never read)."""


@hotline_token.command("create")
@click.argument("name")
@click.option("--unit", default=None, help="Code of the unit whose hotline it is (none: home).")
def hotline_token_create(name: str, unit: str | None) -> None:
    """Create a token for NAME and print it once."""
    from intake.domain import units

    app = create_app()
    with app.app_context():
        db.database().upgrade()
        session = db.session()
        owner = units.by_code(session, unit) if unit else None
        if unit and owner is None:
            raise click.ClickException(f"no unit {unit!r}: see `qingfeng units list`")
        try:
            token = hotline.create_token(session, name, context.today(), owner)
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
