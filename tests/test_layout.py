"""The layout's rules, checked by walking the imports (CONTRIBUTING.md, "Layout").

Every package's direction is stated once, in DIRECTION: which of our packages it may import.
A module belongs to the longest package prefix that names it.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: package -> the first-party packages its modules may import (itself included).
DIRECTION: dict[str, set[str]] = {
    # Pure functions over bytes.
    "crypto": {"crypto"},
    # Typed settings, below every layer: services take them as arguments.
    "intake.config": {"crypto"},
    # The Flask-free core: cases, keys, evidence, oversight, the tables.
    "intake.domain": {"crypto", "intake.config", "intake.domain"},
    # What every face stands on: app factory, database session, errors, limits, languages,
    # CLI, and the web pieces both faces share (the report's form, uploads, downloads).
    "intake.platform": {"crypto", "intake.config", "intake.domain", "intake.platform"},
    # The citizen's web side and the hotline API: faces over the domain, never each other.
    "intake.public": {
        "crypto",
        "intake.config",
        "intake.domain",
        "intake.platform",
        "intake.public",
    },
    "intake.api": {"crypto", "intake.config", "intake.domain", "intake.platform", "intake.api"},
    # The staff console: a face of its own, which never imports the public side or the API.
    "admin": {"crypto", "intake.config", "intake.domain", "intake.platform", "admin"},
}
#: The only modules that assemble faces: the app factory knows them all; the console's CLI
#: extends the platform's.
ASSEMBLERS = {
    "intake.platform.factory": {"intake.public", "intake.api", "admin"},
}
#: Third-party packages crypto may use besides the standard library: libsodium (PyNaCl) for
#: Argon2id only, crypto/kdf.py says why.
CRYPTO_THIRD_PARTY = {"cryptography", "nacl"}
#: The web framework, which the domain never imports (directly or through another module).
WEB = ("flask", "werkzeug", "flask_babel", "flask_wtf", "flask_limiter", "wtforms", "jinja2")
FIRST_PARTY = ("crypto", "intake", "admin")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, whole dotted names (`from a import b` gives a and a.b)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def package_of(name: str) -> str | None:
    """The DIRECTION entry a dotted name falls under (the longest prefix)."""
    matches = [p for p in DIRECTION if name == p or name.startswith(p + ".")]
    return max(matches, key=len) if matches else None


def first_party_modules() -> list[Path]:
    found = []
    for package in FIRST_PARTY:
        found += [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]
    return sorted(found)


def test_every_first_party_module_falls_under_a_stated_direction() -> None:
    unplaced = [module_name(p) for p in first_party_modules() if not package_of(module_name(p))]
    # intake/__init__.py is the namespace itself; it imports nothing.
    assert unplaced == ["intake"]


@pytest.mark.parametrize("path", first_party_modules(), ids=module_name)
def test_imports_follow_the_stated_direction(path: Path) -> None:
    name = module_name(path)
    own = package_of(name)
    if own is None:
        assert not [i for i in imports_of(path) if i.split(".")[0] in FIRST_PARTY]
        return
    allowed = DIRECTION[own] | ASSEMBLERS.get(name, set())
    for imported in imports_of(path):
        if imported.split(".")[0] not in FIRST_PARTY:
            continue
        target = package_of(imported)
        if target is None:  # `from intake import x` names a subpackage: judged by its own name
            continue
        assert any(target == a or target.startswith(a + ".") for a in allowed), (
            f"{name} imports {imported} ({target}); {own} may import only {sorted(allowed)}"
        )


def test_the_public_side_and_the_console_never_import_each_other() -> None:
    # Stated in DIRECTION; spelled out because it is the rule a newcomer most needs.
    for path in first_party_modules():
        name, imported = module_name(path), imports_of(path)
        if name.startswith("intake.public"):
            assert not any(i.startswith("admin") for i in imported), name
        if name.startswith("admin"):
            assert not any(i.startswith(("intake.public", "intake.api")) for i in imported), name


@pytest.mark.parametrize("path", sorted((ROOT / "crypto").rglob("*.py")), ids=lambda p: p.name)
def test_crypto_uses_only_the_standard_library_and_its_libraries(path: Path) -> None:
    for name in imports_of(path):
        top = name.split(".")[0]
        assert top in sys.stdlib_module_names or top in {"crypto", *CRYPTO_THIRD_PARTY}, name


def test_the_domain_core_loads_no_web_framework() -> None:
    # Run in a fresh interpreter: importing every domain module must not pull Flask in,
    # not even through another module.
    domain = [module_name(p) for p in sorted((ROOT / "intake" / "domain").rglob("*.py"))]
    script = (
        "import importlib, sys\n"
        f"for name in {domain!r}: importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {WEB!r}))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"


def test_the_check_catches_a_breach(tmp_path: Path) -> None:
    # The rule above must be able to fail: a domain module importing Flask is caught.
    bad = tmp_path / "bad.py"
    bad.write_text("from flask import Flask\nfrom intake.public import views\n", encoding="utf-8")
    imported = imports_of(bad)
    assert "flask" in imported
    assert package_of("intake.public.views") == "intake.public"
    assert "intake.public" not in DIRECTION["intake.domain"]


@pytest.mark.parametrize(
    "path",
    [*sorted((ROOT / "crypto").rglob("*.py")), *sorted((ROOT / "intake").rglob("*.py"))],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_module_reads_the_environment_except_config(path: Path) -> None:
    if path.name in ("config.py", "gunicorn_conf.py"):  # the two places settings are read
        return
    source = path.read_text(encoding="utf-8")
    assert "os.environ" not in source
    assert "os.getenv" not in source


#: Paths outside the repository that a checkout on another machine lacks: the folder beside
#: the checkout and the workplace it was written in (spelled in pieces so this file does not
#: match itself).
OUTSIDE = re.compile(
    "|".join([r"\.\./" + "shared", "/" + "work/", r"""["']""" + "shared" + r"""["']\s*/"""])
)


def tracked_files() -> list[Path]:
    """Every file git tracks (code, tests, scripts, docs), or every file when not a checkout."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
        ).stdout.decode()
        return [ROOT / name for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", "node_modules", "instance", "build", "test-artifacts"}
        return [
            p
            for p in ROOT.rglob("*")
            if p.is_file() and not skip.intersection(p.relative_to(ROOT).parts)
        ]


def test_the_repository_stands_alone() -> None:
    # Whatever the code, tests, scripts and docs read or cite is in the repository: a fresh
    # clone with nothing beside it passes the test command (README.md, "Test it").
    cites = {}
    for path in tracked_files():
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        found = sorted({m.group(0) for m in OUTSIDE.finditer(text)})
        if found:
            cites[str(path.relative_to(ROOT))] = found
    assert cites == {}


def test_the_outside_check_catches_a_citation() -> None:
    quote = '"'
    assert OUTSIDE.search("ROOT.parent / " + quote + "shared" + quote + " / " + quote + "tools")
    assert OUTSIDE.search("Run through " + "/".join((os.pardir, "shared", "tools", "runner.mjs")))
    assert OUTSIDE.search("cd /" + "work/main && make")
    assert not OUTSIDE.search('_event(report, actor, "shared", value=code)  # co-bureau access')
