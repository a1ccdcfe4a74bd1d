"""The dependency direction crypto <- intake <- admin, checked by walking the imports."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# libsodium (PyNaCl) for Argon2id only: crypto/kdf.py says why.
ALLOWED_THIRD_PARTY = {"crypto": {"cryptography", "nacl"}}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", modules("crypto"), ids=lambda p: p.name)
def test_crypto_uses_only_the_standard_library_cryptography_and_libsodium(path: Path) -> None:
    allowed = {"crypto", *ALLOWED_THIRD_PARTY["crypto"]}
    for name in imports_of(path):
        assert name in sys.stdlib_module_names or name in allowed, name


@pytest.mark.parametrize("path", modules("intake"), ids=lambda p: p.name)
def test_intake_never_imports_admin_outside_the_factory(path: Path) -> None:
    if path.name == "factory.py":
        return
    assert "admin" not in imports_of(path)


@pytest.mark.parametrize("path", [*modules("crypto"), *modules("intake")], ids=lambda p: p.name)
def test_no_module_reads_the_environment_except_config(path: Path) -> None:
    if path.name in ("config.py", "gunicorn_conf.py"):  # the two places settings are read
        return
    source = path.read_text(encoding="utf-8")
    assert "os.environ" not in source
    assert "os.getenv" not in source
