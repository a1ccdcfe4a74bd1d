"""Office files are zip archives stored as sent: refuse those that unpack to absurd sizes.

Staff open evidence files with an office suite, which unpacks every part; a 10 MB DOCX of
zeros can unpack to gigabytes and stop the computer that opens it (a decompression bomb).
Each part is unpacked here once, counting bytes and stopping at the first one over the
budget, so a part whose directory entry lies about its size is caught as well.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from typing import IO

#: Unpacked bytes allowed per byte of the file. Office documents unpack to 2–20 times their
#: size; a hundred times is already absurd.
MAX_RATIO = 100
#: Unpacked bytes allowed per file, whatever its size.
MAX_UNPACKED = 256 * 1024 * 1024

_LOCAL_HEADER = struct.Struct("<4s22xHH")
_READ = 256 * 1024


class Overexpanding(ValueError):
    """The archive unpacks to more than the budget (or to something that cannot be counted)."""


def check_expansion(stream: IO[bytes], size: int) -> None:
    """Raise Overexpanding if the zip archive in `stream` unpacks to more than its budget:
    MAX_RATIO times its size, and never more than MAX_UNPACKED bytes."""
    budget = min(MAX_UNPACKED, MAX_RATIO * size)
    stream.seek(0)
    try:
        entries = zipfile.ZipFile(stream).infolist()
        # The directory's word first: an honest bomb costs nothing to refuse.
        if sum(entry.file_size for entry in entries) > budget:
            raise Overexpanding
        unpacked = 0
        for entry in entries:
            unpacked += _unpacked_size(stream, entry, budget - unpacked)
    except (zipfile.BadZipFile, zlib.error, struct.error, OSError, ValueError) as exc:
        if isinstance(exc, Overexpanding):
            raise
        raise Overexpanding from None
    finally:
        stream.seek(0)


def _unpacked_size(stream: IO[bytes], entry: zipfile.ZipInfo, budget: int) -> int:
    """The bytes one part really unpacks to; Overexpanding as soon as it passes `budget`."""
    if entry.flag_bits & 0x1:  # encrypted: cannot be counted, and no office file needs it
        raise Overexpanding
    stream.seek(entry.header_offset)
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(stream.read(30))
    if signature != b"PK\x03\x04":
        raise Overexpanding
    stream.seek(entry.header_offset + 30 + name_length + extra_length)
    left = entry.compress_size
    if entry.compress_type == zipfile.ZIP_STORED:
        if left > budget:
            raise Overexpanding
        return left
    if entry.compress_type != zipfile.ZIP_DEFLATED:
        raise Overexpanding
    inflate, total = zlib.decompressobj(-zlib.MAX_WBITS), 0
    while left > 0 and not inflate.eof:
        data = stream.read(min(_READ, left))
        if not data:
            break
        left -= len(data)
        while data:
            # At most budget + 1 bytes come out at once, so memory stays bounded.
            total += len(inflate.decompress(data, budget - total + 1))
            if total > budget:
                raise Overexpanding
            data = inflate.unconsumed_tail
    return total
