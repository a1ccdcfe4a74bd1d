"""The `qingfeng demo` command sets up the embedded default once and reopens it after."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from intake.platform.cli import main


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "QINGFENG_INSTANCE": str(tmp_path / "instance"),
        "QINGFENG_RECEIPT_KDF_MEMORY_KIB": "64",
        "QINGFENG_RECEIPT_KDF_ITERATIONS": "1",
        "QINGFENG_PASSWORD_KDF_MEMORY_KIB": "64",
        "QINGFENG_PASSWORD_KDF_ITERATIONS": "1",
    }


def test_demo_creates_an_installation_and_prints_passwords_once(
    env: dict[str, str], tmp_path: Path
) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["demo", "--no-serve"], env=env)
    assert first.exit_code == 0, first.output
    assert "demo-health " in first.output
    # One member per bureau (9), the demo supervisor and the demo system administrator.
    accounts = [line for line in first.output.splitlines() if line.startswith("  demo-")]
    assert len(accounts) == 11
    assert all(" password " in line for line in accounts)
    assert "demo-supervisor " in first.output
    assert "demo-admin " in first.output
    assert (tmp_path / "instance" / "qingfeng.sqlite3").exists()
    secrets_file = tmp_path / "instance" / "secrets.json"
    assert secrets_file.stat().st_mode & 0o077 == 0

    second = runner.invoke(main, ["demo", "--no-serve"], env=env)
    assert second.exit_code == 0, second.output
    assert not [line for line in second.output.splitlines() if line.startswith("  demo-")]
    assert "already exists" in second.output


def test_a_malformed_taxonomy_stops_start_up_naming_the_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    broken = tmp_path / "taxonomy.toml"
    broken.write_text('version = "x"\n\n[[bureaus]]\ncode = \n', encoding="utf-8")
    result = CliRunner().invoke(
        main, ["demo", "--no-serve"], env={**env, "QINGFENG_TAXONOMY": str(broken)}
    )
    assert result.exit_code != 0
    assert "line 4" in str(result.exception)
