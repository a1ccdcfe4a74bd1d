"""Administrative units (province, city, county): each holds its own bureaus and staff."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from intake.domain.models.base import Base


class Unit(Base):
    """A province, city or county of the installation's tree (docs/design.md, "Units").

    A single-county installation is a tree of one unit. Names are metadata, in clear. A unit
    may show its own public identity (主办单位, address, hotline) and have its own host name,
    on which the public pages show that identity and the form chooses the unit; what it leaves
    empty is the installation's (intake/public/unit_site.py).
    """

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("host", name="uq_units_host"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", name="fk_units_parent"))
    issuer: Mapped[str | None] = mapped_column(String(200))
    issuer_en: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(200))
    hotline_number: Mapped[str | None] = mapped_column(String(40))
    # Lower-case, without a port (intake/domain/units.py, normalise_host).
    host: Mapped[str | None] = mapped_column(String(253))
