"""Console commands added to `qingfeng`: staff accounts and the audit chain.

The console script is this module's `main`, so the intake side never imports the console.
"""

from __future__ import annotations

import datetime as dt
import os

import click
from sqlalchemy import select

from admin import audit
from admin.setup_cli import bureaus_group
from admin.units_cli import units_group
from intake.domain.codes import Role
from intake.domain.installation import new_password
from intake.platform import context, db
from intake.platform.cli import main
from intake.platform.factory import create_app


@click.group("staff")
def staff_group() -> None:
    """Staff accounts: create, reset the second factor, deactivate."""


def _create_account(username: str, role: str, unit_code: str | None = None) -> None:
    from admin import audit
    from intake.domain import units
    from intake.domain.keys.keyring import create_staff
    from intake.domain.models import StaffMember

    app = create_app()
    with app.app_context():
        session = db.session()
        if session.scalars(select(StaffMember).where(StaffMember.username == username)).first():
            raise click.ClickException(f"the username {username!r} is taken")
        unit = units.by_code(session, unit_code) if unit_code else units.home(session)
        if unit is None:
            raise click.ClickException(f"no unit {unit_code!r}: see `qingfeng units list`")
        password = new_password()
        settings = context.settings()
        create_staff(session, username, role, password, settings.password_kdf, unit)
        audit.record(
            session, None, "account_created", actor_name="cli", username=username, role=role
        )
        session.commit()
    click.echo(f"Created {username} ({role}). Temporary password, shown only now: {password}")
    click.echo("At the first login they choose a password and set up their authenticator app.")


#: Which unit a new account works for (docs/design.md, "Units"); none: the home unit.
UNIT_OPTION = click.option("--unit", default=None, help="Code of the member's unit.")


@staff_group.command("create-admin")
@click.argument("username")
@UNIT_OPTION
def staff_create_admin(username: str, unit: str | None) -> None:
    """Create a system administrator (accounts and tokens; never report content)."""
    _create_account(username, Role.ADMIN, unit)


@staff_group.command("create")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    required=True,
    help="intake desk, bureau handler, supervisor or system administrator.",
)
@UNIT_OPTION
def staff_create(username: str, role: str, unit: str | None) -> None:
    """Create a staff member; a member of a bureau then grants them its key in the console."""
    _create_account(username, role, unit)


def _change_account(username: str, action: str) -> str | None:
    from admin import audit
    from admin.auth import credentials

    app = create_app()
    with app.app_context():
        session = db.session()
        member = credentials.find_active(session, username)
        if member is None:
            raise click.ClickException(f"no active staff member named {username!r}")
        password = None
        try:
            if action == "reset-2fa":
                credentials.reset_second_factor(session, member)
            elif action == "reset-password":
                password = new_password()
                credentials.replace_keys(session, context.settings(), member, password)
            else:
                credentials.deactivate(session, member)
        except credentials.LastKeyHolder as exc:
            raise click.ClickException(
                f"{username} is the last active holder of the key of {exc}; grant it to a "
                "colleague first, or no staff member could read those cases"
            ) from None
        audit.record(
            session,
            None,
            f"account_{action.replace('-', '_')}",
            actor_name="cli",
            username=username,
        )
        session.commit()
    return password


@staff_group.command("reset-2fa")
@click.argument("username")
def staff_reset_2fa(username: str) -> None:
    """Clear USERNAME's second factor; they set up a new one at the next login."""
    _change_account(username, "reset-2fa")
    click.echo(f"The second factor of {username} was reset; their sessions ended.")


@staff_group.command("reset-password")
@click.argument("username")
def staff_reset_password(username: str) -> None:
    """For a member who lost password and recovery key (or a founder who lost the temporary
    one): no key until they enrol again, a new temporary password."""
    password = _change_account(username, "reset-password")
    click.echo(f"New temporary password for {username}, shown only now: {password}")
    click.echo(
        "Their old key cannot be recovered, so they hold no bureau key now: a colleague in each\n"
        "of their bureaus must add them again (console, Bureaus → Add a member)."
    )


@staff_group.command("deactivate")
@click.argument("username")
def staff_deactivate(username: str) -> None:
    """Deactivate USERNAME: no login; rotate their bureaus' keys to drop their copies."""
    _change_account(username, "deactivate")
    click.echo(f"{username} was deactivated; their sessions ended.")
    click.echo(
        "Rotate the keys of their bureaus (qingfeng rotate-bureau-key) to drop their copies."
    )


@click.group("audit")
def audit_group() -> None:
    """The audit trail."""


def _checkpoints(path: str | None) -> list[audit.Checkpoint]:
    """The checkpoints a file holds (none when it does not exist yet, or for "-")."""
    if path is None or path == "-" or not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        try:
            return audit.read_checkpoints(handle)
        except audit.CheckpointUnreadable as exc:
            raise click.ClickException(f"{exc} cannot be read: it was changed") from None


@audit_group.command("verify")
@click.option(
    "--checkpoints",
    type=click.Path(exists=True, dir_okay=False),
    help="A file of `qingfeng audit checkpoint` lines: fail if the trail went back behind one.",
)
def audit_verify(checkpoints: str | None) -> None:
    """Check the audit hash chain and its head; name the first broken link, or the
    checkpoint the trail went back behind."""
    points = _checkpoints(checkpoints)
    app = create_app()
    with app.app_context():
        result = audit.verify(db.session(), points)
    if not result.ok:
        raise click.ClickException(result.message())
    against = f", and {len(points)} checkpoint(s) of {checkpoints}" if checkpoints else ""
    click.echo(f"Audit chain intact: {result.checked} events{against}.")


@audit_group.command("checkpoint")
@click.option(
    "--file",
    "path",
    type=click.Path(dir_okay=False),
    help="File to append the line to; - prints it (for syslog: `| logger -t qingfeng-audit`). "
    "Default: audit-checkpoints.log in the instance folder.",
)
def audit_checkpoint(path: str | None) -> None:
    """Append a MACed checkpoint (time, count, head) of the verified trail to a file kept
    outside the database; refused if the trail went back behind a checkpoint already there."""
    app = create_app()
    with app.app_context():
        target = path or str(context.settings().instance_path / "audit-checkpoints.log")
        points = _checkpoints(target)
        session = db.session()
        result = audit.verify(session, points)
        if result.unsealed and not points:
            # Right after the upgrade that added the head's MAC: the first checkpoint gives it.
            audit.seal_head(session)
            session.commit()
            click.echo(
                "The head of the audit chain had no MAC yet (an older version): it has one now."
            )
            result = audit.verify(session, points)
        if not result.ok:
            raise click.ClickException(f"{result.message()}; no checkpoint written")
        line = audit.checkpoint_line(session, dt.datetime.now(dt.UTC))
    if target == "-":
        click.echo(line)
        return
    # Created readable by its owner only; appended, never rewritten.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    click.echo(f"Checkpoint appended to {target}: {result.checked} events.")


@click.command("stats")
@click.option("--month", help="A month, as YYYY-MM.")
@click.option("--year", type=click.IntRange(2000, 2100), help="A whole year, as YYYY.")
@click.option("--format", "kind", type=click.Choice(["xlsx", "csv", "docx", "pdf"]), default="xlsx")
@click.option(
    "--output", type=click.Path(dir_okay=False), help="File to write (default: named by period)."
)
@click.option("--lang", type=click.Choice(["zh_CN", "en"]), default="zh_CN")
@click.option(
    "--unit", "unit_code", default="home", help="The unit, with the units below it (default: home)."
)
def stats_command(
    month: str | None, year: int | None, kind: str, output: str | None, lang: str, unit_code: str
) -> None:
    """Write the statistics table (统计表) of a month or a year as XLSX or CSV, or as the Word or
    PDF document the upper office receives (the console's export); metadata only."""
    from flask_babel import force_locale

    from admin.statistics import exports, roll_up
    from intake.domain import units
    from intake.domain.oversight import statistics, unit_statistics

    if (month is None) == (year is None):
        raise click.UsageError("give either --month YYYY-MM or --year YYYY")
    if year is not None:
        period, start, end = str(year), dt.date(year, 1, 1), dt.date(year, 12, 31)
    else:
        period = month or ""
        try:
            start, end = statistics.month_bounds(period)
        except ValueError:
            raise click.BadParameter("write the month as YYYY-MM", param_hint="--month") from None
    app = create_app()
    with app.test_request_context(), force_locale(lang):
        unit = units.by_code(db.session(), unit_code)
        if unit is None:
            raise click.BadParameter(f"no unit {unit_code!r}", param_hint="--unit")
        report = unit_statistics.roll_up(db.session(), unit, start, end, context.today())
        table = report.total
        db.session().commit()
        if kind in ("docx", "pdf"):
            body = roll_up.document(report, kind)
        else:
            header, rows = roll_up.header(report), list(roll_up.rows(report))
            body = (
                exports.to_csv(header, rows)
                if kind == "csv"
                else exports.to_xlsx(period, header, rows)
            )
    path = output or f"qingfeng-stats-{period}.{kind}"
    with open(path, "wb") as handle:
        handle.write(body)
    lines = sum(len(section.rows) for _unit, section in report.sections)
    click.echo(f"Wrote {path}: {lines} rows, {table.total.counts['received']} received.")


main.add_command(stats_command)
main.add_command(staff_group)
main.add_command(audit_group)
main.add_command(bureaus_group)
main.add_command(units_group)

if __name__ == "__main__":
    main()
