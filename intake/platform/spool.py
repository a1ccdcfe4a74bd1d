"""Uploads spooled to disk under an ephemeral key, never as plaintext (after SecureDrop's
secure_tempfile): Werkzeug writes large multipart parts to a temporary file, and a file a
reporter sends must not rest on the server's disk in the clear, even for a moment.

The key lives only in this object; the temporary file is unlinked on creation where the
platform allows, so nothing is left behind when the process ends.
"""

from __future__ import annotations

import io
import os
import tempfile
from typing import IO, Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from flask import Request

_BLOCK = 16


class EncryptedSpool(io.RawIOBase):
    """A seekable temporary file whose bytes on disk are AES-256-CTR under a random key."""

    def __init__(self) -> None:
        super().__init__()
        self._key = os.urandom(32)
        self._nonce = os.urandom(8)
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        self._position = 0
        self._size = 0

    def _cipher_at(self, offset: int) -> Any:
        block, skip = divmod(offset, _BLOCK)
        counter = self._nonce + block.to_bytes(8, "big")
        cipher = Cipher(algorithms.AES(self._key), modes.CTR(counter)).encryptor()
        cipher.update(b"\0" * skip)
        return cipher

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        raw = bytes(data)
        self._file.seek(self._position)
        self._file.write(self._cipher_at(self._position).update(raw))
        self._position += len(raw)
        self._size = max(self._size, self._position)
        return len(raw)

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        wanted = min(len(buffer), self._size - self._position)
        if wanted <= 0:
            return 0
        self._file.seek(self._position)
        chunk = self._file.read(wanted)
        plain = self._cipher_at(self._position).update(chunk)
        buffer[: len(plain)] = plain
        self._position += len(plain)
        return len(plain)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        if not self.closed:
            self._file.close()
            self._key = b""
        super().close()


class SpoolingRequest(Request):
    """Flask's request, with every uploaded file part spooled encrypted.

    Spools are closed with the request, including those of a body whose parsing failed half
    way (a truncated upload), which never reach `request.files`.
    """

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        spool = io.BufferedRandom(EncryptedSpool())
        self.__dict__.setdefault("_qingfeng_spools", []).append(spool)
        return spool

    def close(self) -> None:
        """Close the request and every spool it made."""
        try:
            super().close()
        finally:
            for spool in self.__dict__.pop("_qingfeng_spools", []):
                spool.close()
