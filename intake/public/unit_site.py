"""The unit a public request is for, by the host name it came to, and the identity it shows.

A unit may have a host name of its own (`qingfeng units set CODE --host …`): a request whose
Host header names it is that unit's, and its pages show the unit's 主办单位, address and
hotline, each field the unit leaves empty falling back to the installation's settings; the
ICP number is always the installation's, since one site holds one licence. Only host names a
unit names are looked up: any other host (an address, a name nginx let through) is the
installation's, exactly as without units.

The form is the busiest page, so each process keeps the table of hosts for `HOSTS_TTL`
seconds rather than asking the database on every request: a host or identity changed from
the command line shows everywhere within that time. Unknown hosts are answered from the
table too, so no Host header a client makes up costs a query or grows anything kept.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass

from flask import current_app, g, has_request_context, request
from sqlalchemy.exc import SQLAlchemyError

from intake.config import Settings
from intake.domain import units
from intake.platform import db

#: app.extensions key: (when the table was read, {host: UnitSite}).
EXTENSION = "qingfeng.unit_hosts"
#: Seconds a process keeps the table of hosts before reading it again.
HOSTS_TTL = 60.0


@dataclass(frozen=True)
class UnitSite:
    """A unit with a host of its own, as its public pages need it (None: not set)."""

    code: str
    issuer: str | None
    issuer_en: str | None
    address: str | None
    hotline_number: str | None


def request_host() -> str:
    """The host the request came to: lower-case, without its port ("" for an IPv6 literal,
    which no unit names)."""
    host = request.host.lower()
    if host.startswith("["):
        return ""
    return host.partition(":")[0].removesuffix(".")


def current() -> UnitSite | None:
    """The unit whose own host this request came to, or None (the installation's)."""
    if not has_request_context():
        return None
    if "unit_site" not in g:
        g.unit_site = _hosts().get(request_host())
    site: UnitSite | None = g.unit_site
    return site


def identity(settings: Settings, locale: str) -> dict[str, str]:
    """What the public pages show of who runs them, for this request's host, in `locale`.

    An English page without a unit's English name shows its Chinese one before the
    installation's: the unit's own name in the other language, not somebody else's.
    """
    site = current()
    if site is None:
        issuer = settings.issuer if locale == "zh_CN" else settings.issuer_en
        return {
            "issuer": issuer,
            "site_address": settings.address,
            "icp": settings.icp,
            "hotline": settings.hotline_number,
        }
    if locale == "zh_CN":
        issuer = site.issuer or settings.issuer
    else:
        issuer = site.issuer_en or site.issuer or settings.issuer_en
    return {
        "issuer": issuer,
        "site_address": site.address or settings.address,
        "icp": settings.icp,
        "hotline": site.hotline_number or settings.hotline_number,
    }


def forget() -> None:
    """Read the table of hosts again at the next request of this process."""
    current_app.extensions.pop(EXTENSION, None)


def _hosts() -> dict[str, UnitSite]:
    kept: tuple[float, dict[str, UnitSite]] | None = current_app.extensions.get(EXTENSION)
    now = time.monotonic()
    if kept is not None and now - kept[0] < HOSTS_TTL:
        return kept[1]
    session = db.session()
    try:
        # Perhaps read while a view's changes wait for their commit: never flush them here.
        with session.no_autoflush:
            rows = units.with_hosts(session)
    except SQLAlchemyError:
        # The database is away: the pages are still drawn, as last known or as the
        # installation's, and the next request asks again.
        with contextlib.suppress(SQLAlchemyError):
            session.rollback()
        return kept[1] if kept is not None else {}
    table = {
        unit.host: UnitSite(
            unit.code, unit.issuer, unit.issuer_en, unit.address, unit.hotline_number
        )
        for unit in rows
        if unit.host
    }
    current_app.extensions[EXTENSION] = (now, table)
    return table
