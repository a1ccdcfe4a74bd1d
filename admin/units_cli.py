"""`qingfeng units add|list`: the installation's tree of units (docs/design.md, "Units").

Adding a unit creates its bureaus from the taxonomy the way `qingfeng bureaus setup` creates
the installation's: each without a key and with a founder, whose enrolment makes the key.
"""

from __future__ import annotations

import click
from flask_babel import force_locale
from sqlalchemy import select

from admin.setup_cli import LANGS, echo_founders
from intake.platform import context, db
from intake.platform.factory import create_app


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
def units_add(code: str, name: str, level: str, parent: str | None, lang: str) -> None:
    """Add a unit and create its bureaus from the taxonomy, each with a founder; print each
    founder's username and temporary password, once."""
    from admin import audit
    from intake.domain import units
    from intake.domain.setup import handles, setup_bureaus

    app = create_app()
    with app.test_request_context(), force_locale(lang):
        session, taxonomy = db.session(), context.taxonomy()
        units.home(session)  # the tree's first unit exists before any other
        try:
            unit = units.add_unit(session, code, name, level, parent)
        except units.UnitError as exc:
            raise click.ClickException(str(exc)) from None
        audit.record(
            session, None, "unit_added", actor_name="cli", unit=code, level=level, parent=parent
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
                click.echo(f"{'  ' * depth}{unit.code:<20} {unit.name} ({unit.level})")
                show(unit.id, depth + 1)

        show(None, 0)
