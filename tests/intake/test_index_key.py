"""The index key of the blind index of names is kept like the secret key: outside the database,
made on first run, required beside the other secrets when they come from the environment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from intake.config import ConfigError, Settings


def test_an_older_secrets_file_gains_an_index_key_and_keeps_the_others(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    path.write_text(json.dumps({"secret_key": "ab" * 32, "receipt_salt": "cd" * 16}))
    first = Settings.from_env({"QINGFENG_INSTANCE": str(tmp_path)})
    assert first.secret_key == bytes.fromhex("ab" * 32)
    assert first.receipt_salt == bytes.fromhex("cd" * 16)
    assert len(first.index_key) == 32
    assert path.stat().st_mode & 0o077 == 0
    # The next start reads the same key back: reports indexed before still match.
    assert Settings.from_env({"QINGFENG_INSTANCE": str(tmp_path)}).index_key == first.index_key


def test_secrets_from_the_environment_need_the_index_key_too(tmp_path: Path) -> None:
    env = {
        "QINGFENG_INSTANCE": str(tmp_path),
        "QINGFENG_SECRET_KEY": "00" * 32,
        "QINGFENG_RECEIPT_SALT": "11" * 16,
    }
    with pytest.raises(ConfigError, match="QINGFENG_INDEX_KEY"):
        Settings.from_env(env)
    settings = Settings.from_env({**env, "QINGFENG_INDEX_KEY": "22" * 32})
    assert settings.index_key == bytes.fromhex("22" * 32)
    assert not (tmp_path / "secrets.json").exists()
