"""Refresh the translation catalog: extract messages, merge them into zh_CN, compile.

Run after changing any user-facing text: `python scripts/i18n.py`. New messages appear in
intake/translations/zh_Hans_CN/LC_MESSAGES/messages.po with an empty msgstr; fill them in and run
it again. tests/test_i18n.py fails while any message is untranslated or the .mo is stale.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "intake" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}
METHODS = [("*.py", "python"), ("**.py", "python"), ("**/templates/**.html", "jinja2")]


def main() -> None:
    """Extract, merge and compile; print what still needs a translation."""
    with PO.open("rb") as handle:
        known = {m.id: m.string for m in read_po(handle) if m.id}
    catalog = Catalog(locale="zh_CN", project="qingfeng", version="1")
    for package in ("intake", "admin"):
        found = extract_from_dir(str(ROOT / package), METHODS, keywords=KEYWORDS)
        for _file, _line, message, _comments, _context in found:
            message_id = message if isinstance(message, str) else message[0]
            catalog.add(message_id, known.get(message_id, ""))
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True, no_location=True)
    with PO.with_suffix(".mo").open("wb") as handle:
        write_mo(handle, catalog)
    missing = [m.id for m in catalog if m.id and not m.string]
    print(f"{len(catalog)} messages, {len(missing)} untranslated")
    for message_id in missing:
        print(f"  {message_id}")


if __name__ == "__main__":
    main()
