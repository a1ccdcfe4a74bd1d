"""Every message in the code has a Chinese translation, and the compiled catalog is current."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "intake" / "translations" / "zh_Hans_CN" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}


def source_messages() -> set[str]:
    found: set[str] = set()
    for package in ("intake", "admin"):
        method_map = [("*.py", "python"), ("**.py", "python"), ("**/templates/**.html", "jinja2")]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / package), method_map, keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_has_a_chinese_translation() -> None:
    with (CATALOG / "messages.po").open("rb") as handle:
        po = {m.id: m.string for m in read_po(handle) if m.id}
    missing = sorted(m for m in source_messages() if not po.get(m))
    assert not missing, f"untranslated (run scripts/i18n.py): {missing}"


def test_the_compiled_catalog_matches_the_po_file() -> None:
    with (CATALOG / "messages.po").open("rb") as handle:
        po = {m.id: m.string for m in read_po(handle) if m.id}
    with (CATALOG / "messages.mo").open("rb") as handle:
        mo = {m.id: m.string for m in read_mo(handle) if m.id}
    assert po == mo, "messages.mo is stale: run scripts/i18n.py"


HANZI = "\u3400-\u9fff\uff08\uff09\uff0c\u3002\uff1a\uff1b\uff1f\u201c\u201d"
HALF_WIDTH_BESIDE_HANZI = re.compile(
    rf"(?<=[{HANZI}])[,;:?!()]|(?<!%)[,;:?!(](?=[{HANZI}])|[)](?=[{HANZI}])"
)


def test_chinese_text_uses_full_width_punctuation() -> None:
    """，；：？（） next to hanzi, never , ; : ? ( ): half-width marks read as a template's."""
    with (CATALOG / "messages.po").open("rb") as handle:
        catalog = [m for m in read_po(handle) if m.id]
    wrong = [
        f"{m.string!r} at {hit.start()}"
        for m in catalog
        for hit in HALF_WIDTH_BESIDE_HANZI.finditer(m.string)
    ]
    assert not wrong, wrong
