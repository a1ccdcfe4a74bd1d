"""Words the domain says to people, translated when shown, without tying the domain to Flask.

The domain marks its messages with `_l` (the same keyword the catalog extracts) and hands
them on; they become the reader's language only when turned into text. The platform plugs in
its translator once (intake/platform/i18n.py); until then a message reads as written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Translate = Callable[[str], str]


def _as_written(message: str) -> str:
    return message


_translator: list[Translate] = [_as_written]


def use_translator(translate: Translate) -> None:
    """Set how messages are translated (the platform's i18n calls this once)."""
    _translator[0] = translate


class Wording:
    """A message id and its parameters; `str()` translates it in the current language."""

    __slots__ = ("message", "params")

    def __init__(self, message: str, **params: Any) -> None:
        self.message = message
        self.params = params

    def __str__(self) -> str:
        text = _translator[0](self.message)
        return text % self.params if self.params else text

    def __mod__(self, values: Any) -> str:
        return str(self) % values

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self.message)

    def __repr__(self) -> str:
        return f"Wording({self.message!r})"


def _l(message: str, **params: Any) -> Wording:
    """Mark a message for translation; it is translated when shown."""
    return Wording(message, **params)
