"""The blind index of names: which reports name the same institution or person, without
the names (docs/rules.md §9, docs/design.md "Repeat reports").

The server cannot read a stored report, so the names are indexed when the report arrives,
while its text is still in hand: each normalised name (intake/domain/cases/names.py) becomes
an HMAC-SHA-256 tag under the index key, which lives with the installation's other secrets
and never in the database. A copy of the database shows which reports share a name, not the
name: testing a list of hospitals against it needs the key.
"""

from __future__ import annotations

import hashlib
import hmac

from intake.domain.cases.content import ReportContent
from intake.domain.cases.names import institution_key, person_keys
from intake.domain.models import NameTag, Report

INSTITUTION = "institution"
PERSON = "person"
_DOMAIN = b"qingfeng name index v1"


def name_tag(index_key: bytes, kind: str, name: str) -> bytes:
    """The keyed tag of one normalised name of one kind."""
    message = b"\x00".join((_DOMAIN, kind.encode("ascii"), name.encode("utf-8")))
    return hmac.new(index_key, message, hashlib.sha256).digest()


def tags_of(index_key: bytes, content: ReportContent) -> list[tuple[str, bytes]]:
    """The (kind, tag) pairs a report's institution and people give; none for vague names."""
    tags: list[tuple[str, bytes]] = []
    institution = institution_key(content.institution)
    if institution is not None:
        tags.append((INSTITUTION, name_tag(index_key, INSTITUTION, institution)))
    tags.extend((PERSON, name_tag(index_key, PERSON, p)) for p in person_keys(content.people))
    return tags


def name_tags(index_key: bytes, report: Report, content: ReportContent) -> list[NameTag]:
    """A new report's tags, to be stored with the report or not at all (not yet in a session).

    The rows carry their whole key, so they go in with the report in one statement
    (bench/README.md, "Repeat reports").
    """
    return [
        NameTag(report=report, kind=kind, tag=tag)
        for kind, tag in dict.fromkeys(tags_of(index_key, content))
    ]
