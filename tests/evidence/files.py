"""Invented evidence files for the upload tests, made on the spot (nothing binary in the repo)."""

from __future__ import annotations

import io
import struct
import wave
import zipfile
import zlib

import pillow_heif
from PIL import Image

pillow_heif.register_heif_opener()

GPS_MARKER = "QingfengTestCamera"


def jpeg_with_gps() -> bytes:
    """A photo whose EXIF names a camera and a GPS position, as a phone would write it."""
    image = Image.new("RGB", (120, 80), (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = GPS_MARKER  # Make
    exif[0x0110] = "Model-X"  # Model
    exif[0x0132] = "2026:10:03 21:14:00"  # DateTime
    gps = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 5.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", GPS_MARKER)
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (0, 200, 0, 128)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def heic() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 10, 10)).save(out, format="HEIF")
    return out.getvalue()


def huge_png(width: int = 30000, height: int = 30000) -> bytes:
    """A tiny file that claims an enormous picture (a decompression bomb's header)."""
    raw = b"\x00" * 2
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def office(kind: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return out.getvalue()


def wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"\x00\x00" * 800)
    return out.getvalue()


SAMPLES = {
    "evidence.pdf": pdf,
    "note.txt": lambda: "某医院收取回扣的记录(虚构)\n".encode(),
    "gbk-note.txt": lambda: "某医院收取回扣的记录(虚构)\n".encode("gb18030"),
    "minutes.docx": lambda: office("docx"),
    "ledger.xlsx": lambda: office("xlsx"),
    "call.mp3": lambda: b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 100,
    "voice.m4a": lambda: b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom" + b"\0" * 64,
    "talk.wav": wav,
    "phone.amr": lambda: b"#!AMR\n" + b"\x3c" * 320,
}
