"""Schemathesis against the live hotline API, on a real server process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.live import start_server

HERE = Path(__file__).resolve().parent
HOOKS = "tests.api.schemathesis_hooks"
# Every check but missing_required_header; schemathesis.toml says why.
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "positive_data_acceptance",
        "unsupported_method",
        "allow_header_conformance",
        "use_after_free",
        "ensure_resource_availability",
        "ignored_auth",
        "object_level_authorization",
    ]
)


def test_schemathesis_finds_nothing(tmp_path: Path) -> None:
    server = start_server(tmp_path, {"QINGFENG_API_RATE_LIMIT": "100000 per minute"})
    try:
        token = server.cli("hotline-token", "create", "schemathesis").strip().splitlines()[-1]
        command = [
            sys.executable, "-m", "schemathesis.cli",
            "--config-file", str(HERE / "schemathesis.toml"),
            "run", f"{server.base}/api/v1/openapi.json",
            "--checks", CHECKS,
            "--max-examples", "60",
            "--seed", "20261124",
        ]  # fmt: skip
        environment = {
            **os.environ,
            "SCHEMATHESIS_HOOKS": HOOKS,
            "PYTHONPATH": str(HERE.parents[1]),
            "QF_HOTLINE_TOKEN": token,
        }
        result = subprocess.run(
            command, env=environment, capture_output=True, text=True, timeout=600,
            cwd=tmp_path,
        )  # fmt: skip
    finally:
        server.stop()
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "Tested: 1" in result.stdout
    assert "generated" in result.stdout
