"""Administrative units (province, city, county): each holds its own bureaus and staff."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from intake.domain.models.base import Base


class Unit(Base):
    """A province, city or county of the installation's tree (docs/design.md, "Units").

    A single-county installation is a tree of one unit. Names are metadata, in clear.
    """

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", name="fk_units_parent"))
