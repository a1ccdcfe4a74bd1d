"""Setting up bureaus from the taxonomy, and the demo installation of the embedded default."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.config import Settings
from intake.domain import units
from intake.domain.cases.taxonomy import Taxonomy
from intake.domain.codes import KEYLESS_ROLES
from intake.domain.keys.keyring import create_bureau, create_demo_staff, grant_bureau
from intake.domain.models import Bureau, StaffMember, Unit

# The letters demo passwords are drawn from (no 0/o, 1/l), not a password.
_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # noqa: S105  # nosec B105


@dataclass(frozen=True)
class DemoAccount:
    """A demo staff member's credentials, printed once and stored nowhere."""

    username: str
    password: str
    bureau: str | None
    recovery_key: str
    role: str = "handler"


def install_demo(
    db: Session,
    settings: Settings,
    taxonomy: Taxonomy,
    bureau_keys: dict[str, bytes] | None = None,
    unit: Unit | None = None,
) -> list[DemoAccount]:
    """Create every missing bureau with one demo member each, a demo supervisor (no bureau
    key, so no report content) and a demo system administrator; return the new accounts.
    `bureau_keys`, if given, receives the new bureaus' private keys (for the sample cases).

    Already existing bureaus are left alone, so running the demo twice reopens the same data.
    The demo's keys are made here and locked under the printed passwords: invented data for a
    first look, never for real reports (`qingfeng bureaus setup` is the real installation).
    """
    unit = unit or units.home(db)
    # Outside the home unit, names and usernames carry the unit's code.
    prefix = "demo-" if unit.code == units.HOME else f"demo-{unit.code}-"
    existing = set(db.scalars(select(Bureau.code).where(Bureau.unit_id == unit.id)))
    accounts = []
    for bureau_info in taxonomy.bureaus:
        if bureau_info.code in existing:
            continue
        bureau, bureau_private = create_bureau(
            db, bureau_info.code, settings.secret_key, unit, units.bureau_name(unit, bureau_info)
        )
        username = f"{prefix}{bureau_info.code.replace('_', '-')}"
        if db.scalars(select(StaffMember).where(StaffMember.username == username)).first():
            username = f"{username}-{secrets.token_hex(2)}"
        password = new_password()
        role = "intake" if bureau_info.intake_desk else "handler"
        member, recovery_key = create_demo_staff(
            db, username, role, password, settings.password_kdf, settings.secret_key, unit
        )
        grant_bureau(db, bureau, bureau_private, member, settings.secret_key)
        if bureau_keys is not None:
            bureau_keys[bureau_info.code] = bureau_private
        accounts.append(DemoAccount(username, password, bureau_info.code, recovery_key, role))
    for role in KEYLESS_ROLES:
        username = f"{prefix}{role}"
        if db.scalars(select(StaffMember).where(StaffMember.username == username)).first():
            continue
        password = new_password()
        _member, recovery_key = create_demo_staff(
            db, username, role, password, settings.password_kdf, settings.secret_key, unit
        )
        accounts.append(DemoAccount(username, password, None, recovery_key, role))
    db.commit()
    return accounts


def is_demo(db: Session) -> bool:
    """Whether this database holds a demo installation (or nothing), which `qingfeng demo
    --reset` may erase: a demo administrator, and no bureau founded by `bureaus setup`."""
    demo_admin = db.scalars(select(StaffMember).where(StaffMember.username == "demo-admin"))
    staff = db.scalars(select(StaffMember.id).limit(1)).first()
    founded = db.scalars(select(Bureau.id).where(Bureau.founder_id.is_not(None)).limit(1))
    return (staff is None or demo_admin.first() is not None) and founded.first() is None


def new_password() -> str:
    """A random password of about 80 bits, easy to type: four groups of four."""
    chars = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))
