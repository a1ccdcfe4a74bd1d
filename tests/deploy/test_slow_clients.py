"""Issue 22, item 4: slow clients do not take the service down behind the documented nginx.

`qingfeng serve` (gunicorn, gthread) gives each connection a thread that reads the request
body, so clients that send their bodies a byte at a time hold every thread. The test first
mounts that attack straight at `qingfeng serve` and sees a citizen's request go unanswered
(so the attack is real), then runs Debian's nginx with docs/nginx/qingfeng.conf (only ports,
paths and the certificate replaced) in front of the same server, mounts it again, and sees
citizens report and check their reports while the slow clients are still connected; then the
slow clients stop sending and nginx closes every one of them, logging no address.
"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import ipaddress
import os
import secrets
import selectors
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from intake.config import ROOT
from tests.conftest import TEST_RATELIMIT_URI
from tests.helpers import RECEIPT_PATTERN, VALID_REPORT, form_values
from tests.live import CHEAP_KDF, free_port

CONFIG = ROOT / "docs" / "nginx" / "qingfeng.conf"
#: Clients that send their body a byte at a time, and clients that never finish their head.
SLOW_BODIES = 12
SLOW_HEADS = 4
DRIBBLE_SECONDS = 2.0
#: At most this many batches of slow clients mounted straight at `qingfeng serve`.
DIRECT_BATCHES = 4
#: How long a citizen's request may take while slow clients hold connections: generous, this
#: is not a benchmark; a blocked request would wait for as long as the slow clients last.
ANSWER_SECONDS = 10.0
#: nginx's client_body_timeout in the documented configuration, and a margin.
CLOSE_SECONDS = 30 + 15


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        pytest.fail(
            "This test runs Debian's nginx in front of `qingfeng serve`, and nginx is not "
            "installed: apt-get install -y nginx (.ci/run installs it)."
        )
    return found


@dataclass
class Server:
    """`qingfeng serve` on a loopback port."""

    port: int
    process: subprocess.Popen


@pytest.fixture
def app_server(tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    env = {
        **os.environ,
        **CHEAP_KDF,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'qingfeng.sqlite3'}",
        "QINGFENG_INSTANCE": str(tmp_path / "instance"),
        "QINGFENG_SECRET_KEY": secrets.token_hex(32),
        "QINGFENG_RECEIPT_SALT": secrets.token_hex(16),
        "QINGFENG_INDEX_KEY": secrets.token_hex(32),
        "QINGFENG_TRUSTED_PROXIES": "1",
        "QINGFENG_SECURE_COOKIES": "1",
        "QINGFENG_BIND": f"127.0.0.1:{port}",
        "QINGFENG_THREADS": "2",
    }
    for name in ("GUNICORN_CMD_ARGS", "QINGFENG_WORKERS", "RATELIMIT_STORAGE_URI"):
        env.pop(name, None)
    if TEST_RATELIMIT_URI.startswith("redis://"):
        # As deployed: several workers over shared limits.
        env.update(RATELIMIT_STORAGE_URI=TEST_RATELIMIT_URI, QINGFENG_WORKERS="2")
    cli = [sys.executable, "-m", "intake.platform.cli"]
    demo = [*cli, "demo", "--no-serve", "--empty"]
    subprocess.run(demo, env=env, check=True, capture_output=True)
    with (tmp_path / "serve.log").open("wb") as log:
        process = subprocess.Popen([*cli, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process, tmp_path / "serve.log")
        yield Server(port, process)
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited: {log.read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"did not start: {log.read_text(errors='replace')}")


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key; clients trust exactly this certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "qingfeng test")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "qingfeng.crt", folder / "qingfeng.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Nginx:
    """nginx with the documented configuration, on loopback ports, under a prefix of its own."""

    https_port: int
    prefix: Path
    context: ssl.SSLContext
    process: subprocess.Popen

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"


def render(upstream: int, https_port: int, http_port: int, prefix: Path) -> str:
    """docs/nginx/qingfeng.conf with this machine's ports and paths: nothing else changes."""
    cert, key = self_signed(prefix)
    text = CONFIG.read_text(encoding="utf-8")
    replacements = {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "/etc/ssl/qingfeng.crt": str(cert),
        "/etc/ssl/qingfeng.key": str(key),
        "/var/log/nginx/qingfeng-error.log": str(prefix / "qingfeng-error.log"),
        "/var/lib/qingfeng-nginx": str(prefix / "tmpfs"),
    }
    for documented, here in replacements.items():
        assert documented in text, f"docs/nginx/qingfeng.conf no longer has {documented!r}"
        text = text.replace(documented, here)
    return text


@pytest.fixture
def nginx(tmp_path: Path, app_server: Server) -> Iterator[Nginx]:
    binary = nginx_binary()
    prefix = tmp_path / "nginx"
    (prefix / "tmpfs").mkdir(parents=True)  # where the operator mounts the tmpfs
    https_port, http_port = free_port(), free_port()
    (prefix / "qingfeng.conf").write_text(
        render(app_server.port, https_port, http_port, prefix), encoding="utf-8"
    )
    temp = "\n".join(
        f"  {kind}_temp_path {prefix / 'tmpfs' / ('other-' + kind)};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # nginx's main configuration, as Debian's nginx.conf would be, made to run unprivileged
    # (or as root in a container, whose workers must then write this prefix too).
    (prefix / "nginx.conf").write_text(
        f"""daemon off;
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "main-error.log"} notice;
events {{ worker_connections 256; }}
http {{
  access_log off;
{temp}
  include {prefix / "qingfeng.conf"};
}}
""",
        encoding="utf-8",
    )
    command = [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", "stderr"]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    with (prefix / "stderr.log").open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(https_port, process, prefix / "stderr.log")
        context = ssl.create_default_context(cafile=str(prefix / "qingfeng.crt"))
        yield Nginx(https_port, prefix, context, process)
    finally:
        process.terminate()
        process.wait(timeout=30)


class SlowClients:
    """Connections that send a request a byte at a time, from a thread of their own."""

    def __init__(self, port: int, context: ssl.SSLContext | None) -> None:
        self.sockets: list[socket.socket] = []
        self.send_errors: list[str] = []
        for number in range(SLOW_BODIES + SLOW_HEADS):
            connection = socket.create_connection(("127.0.0.1", port), timeout=5)
            if context is not None:
                connection = context.wrap_socket(connection, server_hostname="127.0.0.1")
            if number < SLOW_BODIES:
                connection.sendall(
                    b"POST /status HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Type: application/x-www-form-urlencoded\r\n"
                    b"Content-Length: 100000\r\n\r\ncode="
                )
            else:
                connection.sendall(b"POST /report HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            self.sockets.append(connection)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._dribble, daemon=True)
        self._thread.start()

    def _dribble(self) -> None:
        while not self._stop.wait(DRIBBLE_SECONDS):
            for number, connection in enumerate(self.sockets):
                try:
                    connection.sendall(b"1" if number < SLOW_BODIES else b"X")
                except OSError as error:
                    self.send_errors.append(f"{number}: {error!r}")

    def stop(self) -> None:
        """Stop sending (and keep the connections open)."""
        self._stop.set()
        self._thread.join(timeout=10)

    def close(self) -> None:
        self.stop()
        for connection in self.sockets:
            connection.close()

    def seconds_until_closed(self, limit: float) -> list[float | None]:
        """For each connection, how long until the server closed it (None: still open)."""
        start = time.monotonic()
        closed: list[float | None] = [None] * len(self.sockets)
        with selectors.DefaultSelector() as waiting:
            for number, connection in enumerate(self.sockets):
                connection.setblocking(False)
                waiting.register(connection, selectors.EVENT_READ, number)
            while waiting.get_map() and time.monotonic() - start < limit:
                for key, _events in waiting.select(timeout=0.5):
                    try:
                        if key.fileobj.recv(4096):  # type: ignore[union-attr]
                            continue  # an error page (408) may come before the close
                    except (ssl.SSLWantReadError, BlockingIOError):
                        continue
                    except (ConnectionError, ssl.SSLError):
                        pass
                    closed[key.data] = time.monotonic() - start
                    waiting.unregister(key.fileobj)
        return closed


def citizen(context: ssl.SSLContext) -> urllib.request.OpenerDirector:
    """A browser-like client with cookies that trusts the test's certificate."""
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
        urllib.request.HTTPSHandler(context=context),
    )


def post_form(opener: urllib.request.OpenerDirector, url: str, fields: dict) -> tuple[int, str]:
    """GET a form and send it back filled in (with its CSRF token and the Referer that Flask-WTF
    asks of HTTPS forms)."""
    with opener.open(url, timeout=ANSWER_SECONDS) as response:
        form = form_values(response.read().decode())
    tokens = {k: form[k] for k in ("csrf_token", "form_token") if k in form}
    body = urllib.parse.urlencode({**fields, **tokens}).encode()
    request = urllib.request.Request(url, data=body, headers={"Referer": url})  # noqa: S310
    with opener.open(request, timeout=ANSWER_SECONDS) as response:
        return response.status, response.read().decode()


def report_and_check(base: str, context: ssl.SSLContext) -> float:
    """A citizen reports and checks the report with its receipt; how long it took, in seconds."""
    start = time.monotonic()
    status, page = post_form(citizen(context), base + "/report", VALID_REPORT)
    assert status == 200
    code = RECEIPT_PATTERN.search(page).group(1).replace(" ", "")
    status, page = post_form(citizen(context), base + "/status", {"code": code})
    assert status == 200
    assert VALID_REPORT["what_happened"] in page
    return time.monotonic() - start


@pytest.mark.slow
def test_slow_clients_behind_the_documented_nginx_do_not_stop_citizens(
    app_server: Server, nginx: Nginx
) -> None:
    direct = f"http://127.0.0.1:{app_server.port}"
    # Without nginx, the attack stops `qingfeng serve`: the slow clients hold its threads.
    # With several workers the kernel may hand one batch mostly to one worker, leaving the
    # other free, so the attacker adds batches until a citizen goes unanswered.
    attacks: list[SlowClients] = []
    answered = 0
    try:
        while len(attacks) < DIRECT_BATCHES:
            attacks.append(SlowClients(app_server.port, None))
            time.sleep(1)
            try:
                with urllib.request.urlopen(direct + "/", timeout=5):  # noqa: S310 (loopback)
                    answered += 1
            except (TimeoutError, urllib.error.URLError):
                break
        else:
            pytest.fail(
                f"{DIRECT_BATCHES * (SLOW_BODIES + SLOW_HEADS)} slow clients did not stop "
                f"`qingfeng serve` ({answered} requests answered): the attack is not real"
            )
    finally:
        for attack in attacks:
            attack.close()
    # ... and answers again once they are gone.
    with urllib.request.urlopen(direct + "/", timeout=ANSWER_SECONDS) as answer:  # noqa: S310
        assert answer.status == 200

    # Behind nginx, citizens are answered while the slow clients hold their connections.
    attack = SlowClients(nginx.https_port, nginx.context)
    try:
        time.sleep(DRIBBLE_SECONDS + 1)
        took = [report_and_check(nginx.base, nginx.context) for _ in range(3)]
        assert max(took) < ANSWER_SECONDS
        assert attack.send_errors == [], "the slow clients were still connected"

        # When they stop sending, nginx closes every one of them.
        attack.stop()
        closed = attack.seconds_until_closed(CLOSE_SECONDS)
        assert None not in closed, closed
    finally:
        attack.close()
    print(
        f"citizens answered in {[round(t, 2) for t in took]} s; slow clients closed after "
        f"{[round(t or 0, 1) for t in closed]} s"
    )

    # Promise 1 holds with the documented logging: nginx wrote no client address.
    error_log = nginx.prefix / "qingfeng-error.log"
    logged = error_log.read_text(errors="replace") if error_log.exists() else ""
    assert "127.0.0.1" not in logged
    assert "client:" not in logged
