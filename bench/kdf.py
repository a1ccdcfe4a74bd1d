"""Argon2id implementations side by side: `python bench/kdf.py`.

Every Argon2id the package registry offers derives the same key: `cryptography` (OpenSSL),
libsodium through PyNaCl, and the reference C code through argon2-cffi (the `bench` extra;
left out with a note when it is not installed), next to `crypto/kdf.py`'s argon2id(), which is
what the service runs. Costs: the two production ones (receipt codes 19 MiB × 2, staff
passwords 64 MiB × 3) and 128 MiB × 16, where the first comparison was made. One lane,
a 16-byte salt and a 32-byte key, as the service derives them.

Before any timing every implementation must give the same bytes for the same inputs: a faster
one that disagreed would lock every existing receipt and staff key out. Rounds are interleaved
(each round runs every implementation once, in an order that rotates), so a shared machine that
slows down during the run slows all of them alike. BENCH_KDF_ROUNDS=9 by default.

Printed: min and median wall time per implementation and cost, and the median CPU time of the
process (what the ceiling is made of, and steadier than wall time on a shared machine); whether
OpenSSL's Argon2id can be given threads; per implementation, the longest another Python thread
had to wait while it derived (a gthread worker's other request waits that long if the GIL is
held); user and system CPU per receipt key; and the peak resident memory (VmHWM) of a fresh
process that derived 50 receipt keys, one after another and from two threads at once.
"""

from __future__ import annotations

import importlib.metadata
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.hazmat.bindings._rust import openssl as rust_openssl
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from crypto.kdf import PASSWORD_PARAMS, RECEIPT_PARAMS, Argon2Params, argon2id

ROUNDS = int(os.environ.get("BENCH_KDF_ROUNDS", "9"))
COSTS = (
    ("receipt 19 MiB × 2", RECEIPT_PARAMS.memory_kib, RECEIPT_PARAMS.iterations),
    ("password 64 MiB × 3", PASSWORD_PARAMS.memory_kib, PASSWORD_PARAMS.iterations),
    ("128 MiB × 16", 131072, 16),
)
SECRET = b"1234567890123456789"
SALT = bytes(range(16))

Derive = Callable[[bytes, bytes, int, int], bytes]


def _cryptography(secret: bytes, salt: bytes, memory_kib: int, iterations: int) -> bytes:
    return Argon2id(
        salt=salt, length=32, iterations=iterations, lanes=1, memory_cost=memory_kib
    ).derive(secret)


def _libsodium(secret: bytes, salt: bytes, memory_kib: int, iterations: int) -> bytes:
    from nacl import bindings

    alg = bindings.crypto_pwhash_ALG_ARGON2ID13
    return bindings.crypto_pwhash_alg(32, secret, salt, iterations, memory_kib * 1024, alg)


def _argon2_cffi(secret: bytes, salt: bytes, memory_kib: int, iterations: int) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(secret, salt, iterations, memory_kib, 1, 32, Type.ID)


def _service(secret: bytes, salt: bytes, memory_kib: int, iterations: int) -> bytes:
    return argon2id(secret, salt, Argon2Params(memory_kib=memory_kib, iterations=iterations))


def implementations() -> dict[str, Derive]:
    """Name (with its version) -> derive function, for every implementation installed."""
    found: dict[str, Derive] = {
        f"cryptography {_version('cryptography')} ({_openssl()})": _cryptography,
        f"PyNaCl {_version('pynacl')} (libsodium)": _libsodium,
    }
    if _version("argon2-cffi"):
        found[f"argon2-cffi {_version('argon2-cffi')} (reference C)"] = _argon2_cffi
    else:
        print("argon2-cffi is not installed (pip install -e '.[bench]'): left out")
    found["crypto/kdf.py argon2id()"] = _service
    return found


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return ""


def _openssl() -> str:
    return " ".join(rust_openssl.openssl_version_text().split()[:2])


def openssl_threads() -> str:
    """Whether this `cryptography` lets OpenSSL's Argon2id use threads."""
    arguments = {"salt": SALT, "length": 32, "iterations": 1, "lanes": 1, "memory_cost": 64}
    try:
        Argon2id(**arguments, threads=2)
    except TypeError:
        return "not accepted by this cryptography"
    return "accepted"


Samples = dict[tuple[str, str], list[tuple[float, float]]]


def timings(found: dict[str, Derive]) -> Samples:
    """(wall, CPU) seconds per (cost, implementation), rounds interleaved in a rotating order."""
    names = list(found)
    samples: Samples = {}
    for label, memory, iterations in COSTS:
        outputs = {name: found[name](SECRET, SALT, memory, iterations) for name in names}
        assert len(set(outputs.values())) == 1, f"implementations disagree at {label}"
        for round_ in range(ROUNDS):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                started, cpu = time.perf_counter(), time.process_time()
                found[name](SECRET, SALT, memory, iterations)
                took = (time.perf_counter() - started, time.process_time() - cpu)
                samples.setdefault((label, name), []).append(took)
    return samples


def longest_wait(derive: Derive) -> float:
    """The longest a sleeping thread waited to run while another derived five receipt keys."""
    done = threading.Event()

    def work() -> None:
        for _ in range(5):
            derive(SECRET, SALT, RECEIPT_PARAMS.memory_kib, RECEIPT_PARAMS.iterations)
        done.set()

    worker = threading.Thread(target=work)
    longest, last = 0.0, time.perf_counter()
    worker.start()
    while not done.is_set():
        time.sleep(0.0005)
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
    worker.join()
    return longest


def _status(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _memory_child(name: str, threads: int) -> None:
    derive = implementations()[name]
    derive(b"warm", SALT, 64, 1)  # load the library before the baseline is read
    start = _status("VmRSS")

    def work() -> None:
        for _ in range(50 // threads):
            derive(SECRET, SALT, RECEIPT_PARAMS.memory_kib, RECEIPT_PARAMS.iterations)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    before = os.times()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    after = os.times()
    user, system = ((a - b) * 1000 / 50 for a, b in zip(after[:2], before[:2], strict=True))
    print(f"{start:.0f}\t{_status('VmHWM'):.0f}\t{_status('VmRSS'):.0f}\t{user:.1f}\t{system:.1f}")


def memory(name: str, threads: int) -> list[str]:
    """A fresh process's resident MB after start, at peak and after 50 derivations, then
    user and system CPU ms per derivation."""
    out = subprocess.run(
        [sys.executable, __file__, "--memory", name, str(threads)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return out.strip().splitlines()[-1].split("\t")


def main() -> None:
    """Check that all agree, time them interleaved, and print the tables."""
    if len(sys.argv) == 4 and sys.argv[1] == "--memory":
        _memory_child(sys.argv[2], int(sys.argv[3]))
        return
    found = implementations()
    samples = timings(found)
    width = max(len(name) for name in found) + 2
    print(f"cores: {os.cpu_count()}; one lane, 16-byte salt, 32-byte key; {ROUNDS} rounds")
    print(f"{'cost':<22}{'implementation':<{width}}{'min ms':>9}{'median ms':>11}"
          f"{'CPU median ms':>15}{'CPU vs first':>14}")  # fmt: skip
    for label, _memory, _iterations in COSTS:
        first = statistics.median(cpu for _wall, cpu in samples[(label, next(iter(found)))])
        for name in found:
            walls = [wall for wall, _cpu in samples[(label, name)]]
            cpu = statistics.median(cpu for _wall, cpu in samples[(label, name)])
            print(f"{label:<22}{name:<{width}}{min(walls) * 1000:>9.1f}"
                  f"{statistics.median(walls) * 1000:>11.1f}{cpu * 1000:>15.1f}"
                  f"{cpu / first:>13.2f}×")  # fmt: skip
    print("all implementations gave the same key at every cost")
    print(f"OpenSSL threads for Argon2id: {openssl_threads()}; with one lane there is nothing to"
          " run in parallel")  # fmt: skip
    print()
    print(f"{'implementation':<{width}}{'GIL wait ms':>12}{'user ms':>9}{'sys ms':>8}"
          f"{'start MB':>10}{'peak MB':>9}{'after MB':>10}{'peak, 2 threads MB':>20}")  # fmt: skip
    for name, derive in found.items():
        wait = longest_wait(derive) * 1000
        start, peak, after, user, system = memory(name, 1)
        peak_two = memory(name, 2)[1]
        print(f"{name:<{width}}{wait:>12.1f}{user:>9}{system:>8}{start:>10}{peak:>9}{after:>10}"
              f"{peak_two:>20}")  # fmt: skip
    print("GIL wait: the longest a sleeping thread waited (0.5 ms sleeps) while another derived")
    print("five receipt keys; one derivation's time there would mean the GIL is held.")
    print("user/sys ms: CPU per receipt key over 50 in a fresh process (10 ms ticks);")
    print("memory: that process's VmRSS after loading the library, its VmHWM and VmRSS after")
    print("the 50 derivations; the last, VmHWM of another doing 25 in each of two threads.")


if __name__ == "__main__":
    main()
