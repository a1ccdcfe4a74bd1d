"""A real installation's bureaus (`qingfeng bureaus setup`), and whether it is ready to serve.

Each bureau of the taxonomy is created without a key pair and with a first member, its
founder, whose temporary password is printed once. When the founder enrols, their own session
makes the bureau's key pair and seals it to their new key (keyring.found_bureaus): no
administrator and no temporary password ever touches a bureau's private key. Later members get
it through the key ceremony of the console (a member grants it after reading the newcomer's
key check). docs/operations.md, "First installation", is the operator's side of this.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake.config import Settings
from intake.domain import units
from intake.domain.cases.taxonomy import Bureau as BureauInfo
from intake.domain.cases.taxonomy import Taxonomy
from intake.domain.codes import Role
from intake.domain.installation import new_password
from intake.domain.keys.keyring import appoint_founder, create_staff, create_unfounded_bureau
from intake.domain.models import Bureau, StaffMember, Unit
from intake.domain.wording import _l


@dataclass(frozen=True)
class FounderAccount:
    """A new bureau's first member; the temporary password is printed once, stored nowhere."""

    bureau: BureauInfo
    username: str
    password: str
    role: str


def setup_bureaus(
    db: Session, settings: Settings, taxonomy: Taxonomy, unit: Unit | None = None
) -> list[FounderAccount]:
    """Create every bureau of the taxonomy the installation (or `unit`: by default the home
    unit) lacks, each with a founder; return the founders' accounts (the caller audits and
    commits).

    Run again after the taxonomy gains a bureau, it adds just that one. A bureau still without
    a key whose founder was deactivated before enrolling gets a new founder; one whose founder
    simply has not enrolled yet is left alone (`qingfeng staff reset-password` prints a new
    temporary password if it was lost).
    """
    unit = unit or units.home(db)
    existing = {b.code: b for b in db.scalars(select(Bureau).where(Bureau.unit_id == unit.id))}
    accounts = []
    for info in taxonomy.bureaus:
        bureau = existing.get(info.code)
        if bureau is not None and (
            bureau.public_key is not None or (bureau.founder is not None and bureau.founder.active)
        ):
            continue
        role = Role.INTAKE if info.intake_desk else Role.HANDLER
        stem = info.code.replace("_", "-")
        username = _free_username(db, stem if unit.code == units.HOME else f"{unit.code}-{stem}")
        password = new_password()
        founder = create_staff(db, username, role, password, settings.password_kdf, unit)
        db.flush()
        if bureau is None:
            create_unfounded_bureau(db, info.code, founder, unit, units.bureau_name(unit, info))
        else:
            appoint_founder(bureau, founder)
        db.flush()
        accounts.append(FounderAccount(info, username, password, role))
    return accounts


def _free_username(db: Session, stem: str) -> str:
    """`stem-1`, or the first `stem-N` nobody has."""
    taken = set(
        db.scalars(
            select(func.lower(StaffMember.username)).where(StaffMember.username.like(f"{stem}-%"))
        )
    )
    number = 1
    while f"{stem}-{number}" in taken:
        number += 1
    return f"{stem}-{number}"


DESK_HANDLES = _l("reports without a category, and those whose bureau is not ready yet")
CO_BUREAU = _l("co-bureau for: %(categories)s")
#: What the roles without a bureau key do (they never read a report).
KEYLESS_HANDLES = {
    Role.SUPERVISOR: _l("Supervisor: the overdue board, statistics and 督办; never reads a report"),
    Role.ADMIN: _l("System administrator: staff accounts and hotline tokens; never reads a report"),
}


def handles(taxonomy: Taxonomy, code: str, locale: str) -> str:
    """What a bureau handles, in words: the categories it leads, then those it helps with."""
    chinese = not locale.lower().startswith("en")
    comma, semicolon = ("、", "；") if chinese else (", ", "; ")
    led = [c.name(locale) for c in taxonomy.categories if c.lead == code]
    helped = [c.name(locale) for c in taxonomy.categories if code in c.co and c.lead != code]
    parts = [str(DESK_HANDLES)] if taxonomy.bureau(code).intake_desk else []
    if led:
        parts.append(comma.join(led))
    if helped:
        parts.append(str(CO_BUREAU % {"categories": comma.join(helped)}))
    return semicolon.join(parts)


@dataclass(frozen=True)
class Waiting:
    """A bureau that has no key yet, and the founder whose enrolment will make it."""

    code: str
    founder: str | None
    founder_active: bool


@dataclass(frozen=True)
class Readiness:
    """Whether an installation can serve, and what it still lacks."""

    administrators: int
    #: Bureaus the taxonomy names that the installation does not have at all.
    missing: tuple[str, ...]
    #: Bureaus that exist but have no key yet (their founder has not enrolled).
    waiting: tuple[Waiting, ...]
    desk: str
    #: Public keys stored before keys carried a MAC, which nothing is sealed to until the
    #: operator authenticates them (docs/operations.md, "Upgrading").
    unauthenticated: int = 0

    @property
    def ready(self) -> bool:
        """Whether `qingfeng serve` may start: an administrator, and every bureau created.

        Bureaus still waiting for their founder do not stop it: the founders need the
        console to enrol. Until the desk's founder has, reports are refused (nothing lost).
        """
        return self.administrators > 0 and not self.missing and not self.unauthenticated

    @property
    def takes_reports(self) -> bool:
        """Whether the intake desk holds a key, without which no report can be stored."""
        return self.desk not in self.missing and all(w.code != self.desk for w in self.waiting)

    def problems(self) -> list[str]:
        """What stops the installation from starting, each with the command that fixes it."""
        found = []
        if not self.administrators:
            found.append(
                "There is no system administrator account: run `qingfeng staff create-admin NAME`."
            )
        if self.missing:
            found.append(
                f"The taxonomy names bureaus this installation lacks ({', '.join(self.missing)}):"
                " run `qingfeng bureaus setup`."
            )
        if self.unauthenticated:
            found.append(
                f"{self.unauthenticated} stored public key(s) have no MAC yet (written before "
                "this version): run `qingfeng keys authenticate`."
            )
        return found


def readiness(db: Session, taxonomy: Taxonomy) -> Readiness:
    """What the installation has and lacks, for `qingfeng serve`, `demo` and `bureaus list`."""
    administrators = db.scalar(
        select(func.count())
        .select_from(StaffMember)
        .where(StaffMember.role == Role.ADMIN, StaffMember.active)
    )
    # The home unit's bureaus; units added later are set up with theirs (`qingfeng units add`).
    home = select(Bureau).join(Unit).where(Unit.code == units.HOME)
    rows = {b.code: b for b in db.scalars(home)}
    missing = tuple(b.code for b in taxonomy.bureaus if b.code not in rows)
    waiting = []
    for info in taxonomy.bureaus:
        row = rows.get(info.code)
        if row is None or row.public_key is not None:
            continue
        founder = row.founder
        waiting.append(
            Waiting(
                info.code,
                founder.username if founder else None,
                founder is not None and founder.active,
            )
        )
    unauthenticated = sum(
        db.scalar(
            select(func.count())
            .select_from(model)
            .where(model.public_key.is_not(None), model.public_key_mac.is_(None))
        )
        or 0
        for model in (Bureau, StaffMember)
    )
    return Readiness(
        administrators or 0,
        missing,
        tuple(waiting),
        taxonomy.intake_desk.code,
        unauthenticated,
    )
