"""What a reporter wrote, as it is sealed: plain dataclasses with their size limits."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

#: Characters per field (Python code points). The main text allows a long, detailed account.
LIMITS: dict[str, int] = {
    "what_happened": 20_000,
    "institution": 500,
    "people": 500,
    "place": 300,
    "when": 200,
    "amount": 100,
    "name": 50,
    "phone": 30,
}


@dataclass(frozen=True)
class ReportContent:
    """The report's own words; sealed as one JSON document under the report's data key."""

    what_happened: str
    institution: str = ""
    people: str = ""
    place: str = ""
    when: str = ""
    amount: str = ""

    def to_bytes(self) -> bytes:
        """Serialise for sealing."""
        return json.dumps(asdict(self), ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> ReportContent:
        """Parse what `to_bytes` made, ignoring fields this version does not know."""
        raw = json.loads(data.decode("utf-8"))
        return cls(**{f.name: raw.get(f.name, "") for f in fields(cls)})


@dataclass(frozen=True)
class Contact:
    """A real-name reporter's name and phone (实名举报), sealed separately from the content."""

    name: str
    phone: str

    def to_bytes(self) -> bytes:
        """Serialise for sealing."""
        return json.dumps(asdict(self), ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> Contact:
        """Parse what `to_bytes` made."""
        raw = json.loads(data.decode("utf-8"))
        return cls(name=raw.get("name", ""), phone=raw.get("phone", ""))
