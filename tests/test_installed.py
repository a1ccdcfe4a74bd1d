"""An installed (non-editable) package keeps its data outside site-packages: the instance
folder follows Flask's convention, <prefix>/var/qingfeng-instance (README.md, "Configuration").

The packages are laid out as `pip install .` lays them out (pyproject.toml's packages, no
checkout around them) in a virtualenv of their own, which borrows this one's libraries.
"""

from __future__ import annotations

import json
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

from intake.config import ROOT, Settings, default_instance

CHEAP = {
    "QINGFENG_RECEIPT_KDF_MEMORY_KIB": "64",
    "QINGFENG_RECEIPT_KDF_ITERATIONS": "1",
    "QINGFENG_PASSWORD_KDF_MEMORY_KIB": "64",
    "QINGFENG_PASSWORD_KDF_ITERATIONS": "1",
}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv whose site-packages holds a copy of the packages; its python."""
    prefix = tmp_path_factory.mktemp("installed") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(prefix)], check=True)
    packages = next(prefix.glob("lib/python*/site-packages"))
    for package in ("crypto", "intake", "admin"):
        shutil.copytree(
            ROOT / package,
            packages / package,
            ignore=shutil.ignore_patterns("__pycache__", "instance"),
        )
    # The dependencies from this virtualenv, as a plain path (its editable finder stays out).
    (packages / "dependencies.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", encoding="utf-8"
    )
    return prefix


def run_installed(prefix: Path, code: str, cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        [str(prefix / "bin" / "python"), "-c", code],
        cwd=cwd, env={"PATH": "/usr/bin:/bin", **CHEAP, **env},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_an_installed_package_keeps_its_instance_under_the_prefix(
    installed: Path, tmp_path: Path
) -> None:
    code = (
        "import json, intake.config as c; s = c.Settings.from_env();"
        "print(json.dumps([c.__file__, str(s.instance_path), s.database_url]))"
    )
    module, instance, database = json.loads(run_installed(installed, code, tmp_path, {}))
    # The copy was imported, not this checkout.
    assert Path(module).is_relative_to(installed)
    assert not Path(module).is_relative_to(ROOT)
    expected = (installed / "var" / "qingfeng-instance").resolve()
    assert Path(instance) == expected
    assert database == f"sqlite:///{expected / 'qingfeng.sqlite3'}"
    assert (expected / "secrets.json").is_file()
    assert (expected / "secrets.json").stat().st_mode & 0o077 == 0
    # Nothing written beside the code, nor in the current directory.
    packages = next(installed.glob("lib/python*/site-packages"))
    assert not list(packages.rglob("secrets.json"))
    assert list(tmp_path.iterdir()) == []


def test_qingfeng_instance_still_decides_for_an_installed_package(
    installed: Path, tmp_path: Path
) -> None:
    chosen = tmp_path / "srv" / "qingfeng"
    code = "import intake.config as c; print(c.Settings.from_env().instance_path)"
    printed = run_installed(installed, code, tmp_path, {"QINGFENG_INSTANCE": str(chosen)})
    assert Path(printed.strip()) == chosen.resolve()
    assert (chosen / "secrets.json").is_file()


def test_a_source_checkout_keeps_its_instance_folder_beside_the_code(tmp_path: Path) -> None:
    assert default_instance() == ROOT / "instance"
    elsewhere = default_instance(tmp_path, prefix=tmp_path / "env")
    assert elsewhere == tmp_path / "env" / "var" / "qingfeng-instance"
    settings = Settings.from_env({"QINGFENG_INSTANCE": str(tmp_path / "x"), **CHEAP})
    assert settings.instance_path == (tmp_path / "x").resolve()
