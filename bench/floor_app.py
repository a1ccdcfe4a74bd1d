"""A bare Flask app for bench/floor.py: the stack's own cost, with and without one receipt
derivation. Nothing else happens in it: no database, session, token, template or limit."""

from __future__ import annotations

from flask import Flask, request

from crypto.kdf import RECEIPT_PARAMS
from crypto.receipts import derive_receipt_keys, generate_receipt

app = Flask(__name__)

#: About the size of Qingfeng's report form page as served (16 KiB).
PAGE = (
    "<!doctype html><html lang=zh-CN><title>举报（基准测试）</title><form method=post>"
    + "<p>虚构的表单内容，仅供基准测试。</p>" * 310
    + "<textarea name=what_happened></textarea><button>提交</button></form>"
)
SALT = bytes(range(16))


def _derive(asked: str | None) -> str:
    if asked == "yes":
        return derive_receipt_keys(generate_receipt(), SALT, RECEIPT_PARAMS).lookup_tag.hex()
    return ""


@app.get("/form")
def form() -> str:
    return PAGE


@app.post("/form")
def submit() -> str:
    tag = _derive(request.form.get("kdf"))
    return f"<!doctype html><p>已收到。{len(request.form['what_happened'])}</p><!-- {tag} -->"


@app.post("/api")
def api() -> tuple[dict, int]:
    call = request.get_json()
    return {"received": len(call["transcript"]), "tag": _derive(call.get("kdf"))}, 201
