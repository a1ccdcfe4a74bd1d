"""`qingfeng units add|set|list`: the installation's tree of units (docs/design.md, "Units").

Adding a unit creates its bureaus from the taxonomy the way `qingfeng bureaus setup` creates
the installation's: each without a key and with a founder, whose enrolment makes the key. A
unit may show its own public identity and have its own host name (intake/public/unit_site.py),
given when it is added or later with `set`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from flask_babel import force_locale
from sqlalchemy import select

from admin.setup_cli import LANGS, echo_founders
from intake.platform import context, db
from intake.platform.factory import create_app

#: The options that give a unit its own identity and host: (option, Unit field, help).
IDENTITY_OPTIONS = (
    ("--issuer", "issuer", "主办单位 in Chinese, on the unit's public pages."),
    ("--issuer-en", "issuer_en", "The same in English."),
    ("--address", "address", "Contact address in the footer of the unit's public pages."),
    ("--hotline", "hotline_number", "Hotline number shown on the unit's public pages."),
    ("--host", "host", "The unit's own host name (a DNS name, no port): its pages show its "
     "identity and its form chooses it."),
)  # fmt: skip


def identity_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command the identity options; each arrives as its Unit field's name."""
    for option, field, help_text in reversed(IDENTITY_OPTIONS):
        command = click.option(option, field, default=None, help=help_text)(command)
    return command


def _given(values: dict[str, str | None]) -> dict[str, str]:
    return {field: value for field, value in values.items() if value is not None}


def _audited(changed: dict[str, str | None]) -> dict[str, Any]:
    """The fields changed, as an audit event's detail (None: cleared), typed so that none can
    be taken for one of `audit.record`'s own arguments."""
    return dict(changed)


@click.group("units")
def units_group() -> None:
    """The tree of units (province, city, county), each with its own bureaus and staff."""


@units_group.command("add")
@click.argument("code")
@click.argument("name")
@click.option(
    "--level",
    type=click.Choice(["province", "city", "county"]),
    default="county",
    show_default=True,
)
@click.option("--parent", default=None, help="Code of the unit above (none: a root).")
@click.option("--lang", type=LANGS, default="zh_CN", help="Language of the names printed.")
@identity_options
def units_add(
    code: str, name: str, level: str, parent: str | None, lang: str, **identity: str | None
) -> None:
    """Add a unit and create its bureaus from the taxonomy, each with a founder; print each
    founder's username and temporary password, once. The unit shows the installation's
    identity except where it is given its own."""
    from admin import audit
    from intake.domain import units
    from intake.domain.setup import handles, setup_bureaus

    app = create_app()
    with app.test_request_context(), force_locale(lang):
        session, taxonomy = db.session(), context.taxonomy()
        units.home(session)  # the tree's first unit exists before any other
        try:
            unit = units.add_unit(session, code, name, level, parent)
            own = units.set_identity(session, unit, _given(identity))
        except units.UnitError as exc:
            raise click.ClickException(str(exc)) from None
        audit.record(
            session,
            None,
            "unit_added",
            actor_name="cli",
            unit=code,
            level=level,
            parent=parent,
            **_audited(own),
        )
        accounts = setup_bureaus(session, context.settings(), taxonomy, unit)
        for account in accounts:
            audit.record(
                session,
                None,
                "account_created",
                actor_name="cli",
                username=account.username,
                role=account.role,
                founds=account.bureau.code,
                unit=code,
            )
        session.commit()
        described = [(a, handles(taxonomy, a.bureau.code, lang)) for a in accounts]
    click.echo(f"Unit {name} [{code}] added ({level}).")
    echo_founders(described, lang)


@units_group.command("set")
@click.argument("code")
@identity_options
def units_set(code: str, **identity: str | None) -> None:
    """Change a unit's own identity or host name; an empty value ("") clears it, and the unit
    shows the installation's again. Running processes see it within a minute."""
    from admin import audit
    from intake.domain import units

    given = _given(identity)
    if not given:
        raise click.UsageError("nothing to change: give at least one option")
    app = create_app()
    with app.app_context():
        session = db.session()
        unit = units.by_code(session, code)
        if unit is None:
            raise click.ClickException(f"no unit {code!r}")
        try:
            changed = units.set_identity(session, unit, given)
        except units.UnitError as exc:
            raise click.ClickException(str(exc)) from None
        if changed:
            detail = _audited(changed)
            audit.record(session, None, "unit_changed", actor_name="cli", unit=code, **detail)
        session.commit()
    if not changed:
        click.echo(f"Unit {code}: nothing changed.")
    for field, value in changed.items():
        click.echo(f"Unit {code}: {field} " + ("cleared" if value is None else f"= {value}"))


@units_group.command("list")
def units_list() -> None:
    """Every unit, under the unit above it."""
    from intake.domain.models import Unit

    app = create_app()
    with app.app_context():
        rows = db.session().scalars(select(Unit).order_by(Unit.id)).all()
        children: dict[int | None, list[Unit]] = {}
        for unit in rows:
            children.setdefault(unit.parent_id, []).append(unit)

        def show(parent: int | None, depth: int) -> None:
            for unit in children.get(parent, []):
                host = f"  {unit.host}" if unit.host else ""
                click.echo(f"{'  ' * depth}{unit.code:<20} {unit.name} ({unit.level}){host}")
                show(unit.id, depth + 1)

        show(None, 0)
