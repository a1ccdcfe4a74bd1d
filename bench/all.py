"""Every benchmark, one after another, each printing its table: `python bench/all.py`.

Half an hour on SQLite on this machine and three quarters on PostgreSQL, most of it seeding a
million cases for bench/console.py (BENCH_CASES makes that smaller). The environment passes
through: BENCH_DATABASE_URL runs the load and console benchmarks on PostgreSQL.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ("kdf.py", "run.py", "repeats.py", "load.py", "attachments.py", "console.py", "ledger.py")


def main() -> None:
    """Run each benchmark in its own process; stop at the first that fails."""
    for script in SCRIPTS:
        print(f"== bench/{script}", flush=True)
        subprocess.run([sys.executable, str(HERE / script)], check=True)


if __name__ == "__main__":
    main()
