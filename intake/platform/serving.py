"""The embedded server of `qingfeng demo`: Werkzeug, with an access log that says nothing.

Werkzeug's default request log writes the client address, and any log line carries its time,
which for a report is the precise submission time (promise 1). So requests are not logged
one by one; server errors are, without address, time or query string.
"""

from __future__ import annotations

import logging

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, run_simple

log = logging.getLogger("qingfeng.server")


class AnonymousRequestHandler(WSGIRequestHandler):
    """A request handler that never logs a client address or a request line."""

    def address_string(self) -> str:
        """Never reveal the peer, whatever calls this."""
        return "-"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log server errors only, by method and path."""
        if str(code).startswith("5"):
            log.warning("server error %s on %s %s", code, self.command, self.path.split("?")[0])

    def log_error(self, format: str, *args: object) -> None:
        """Protocol errors are logged without the peer's address."""
        log.warning("protocol error: " + format, *args)

    def log_message(self, format: str, *args: object) -> None:
        """Drop Werkzeug's own request lines."""


def serve(app: Flask, host: str, port: int) -> None:
    """Serve `app` until interrupted.

    Werkzeug's start-up lines (its address and its red development-server warning) would
    come below the demo's accounts, which must stay the last thing on screen; the demo says
    where it serves and that it is not for real reports itself. Errors are still logged.
    """
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    run_simple(host, port, app, threaded=True, request_handler=AnonymousRequestHandler)
