"""Typed settings, parsed once from the environment and passed explicitly to create_app."""

from __future__ import annotations

import json
import os
import secrets
import sys
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from crypto.kdf import PASSWORD_PARAMS, RECEIPT_PARAMS, Argon2Params

ROOT = Path(__file__).resolve().parent.parent


def default_instance(root: Path = ROOT, prefix: Path | None = None) -> Path:
    """The instance folder (SQLite file, secrets.json) when QINGFENG_INSTANCE does not say.

    In a source checkout (editable install) it is the checkout's instance/. An installed
    package's code sits in site-packages, which an upgrade replaces and which must not hold
    data, so there it follows Flask's convention: <prefix>/var/qingfeng-instance, prefix being
    the virtualenv's (or Python's) sys.prefix.
    """
    if (root / "pyproject.toml").is_file():
        return root / "instance"
    return Path(sys.prefix if prefix is None else prefix) / "var" / "qingfeng-instance"


class ConfigError(ValueError):
    """A setting is missing or malformed; start-up stops with this message."""


DEMO_ISSUER = "清风示范市医疗领域不正之风举报中心（演示用，虚构）"
DEMO_ISSUER_EN = "Qingfeng Demo City medical-sector reporting centre (demonstration, invented)"
DEMO_ADDRESS = "示范市示范路 1 号（演示用虚构地址）"
DEMO_ICP = "示ICP备00000000号（演示用，虚构）"


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment, validated once at start."""

    secret_key: bytes
    receipt_salt: bytes
    #: Keys the blind index of names (docs/rules.md §9): kept outside the database, like
    #: secret_key, so a stolen database cannot be searched for an institution's name.
    index_key: bytes
    database_url: str
    instance_path: Path
    ratelimit_storage_uri: str = "memory://"
    hotline_number: str = "12345"
    receipt_kdf: Argon2Params = RECEIPT_PARAMS
    password_kdf: Argon2Params = PASSWORD_PARAMS
    max_body_bytes: int = 512 * 1024
    report_rate_limit: str = "20 per hour"
    status_rate_limit: str = "10 per minute;100 per hour"
    api_rate_limit: str = "120 per minute"
    login_rate_limit: str = "30 per minute;200 per hour"
    decision_days: int = 15
    conclusion_days: int = 60
    extension_days: int = 30
    deadline_mode: str = "calendar"
    calendar_path: Path | None = None
    console_idle_minutes: int = 30
    console_absolute_hours: int = 12
    reauth_minutes: int = 5
    reward_categories: tuple[str, ...] = ("insurance_fraud",)
    reward_min_yuan: int = 200
    reward_max_yuan: int = 200_000
    # 主办单位 printed on the 统计表 sent upward; empty: the intake desk's name in the taxonomy.
    host_office: str = ""
    retention_days: int = 730
    attachments_max_files: int = 5
    attachment_max_bytes: int = 10 * 1024 * 1024
    console_url: str = "http://127.0.0.1:8000"
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "qingfeng@localhost"
    smtp_starttls: bool = True
    csrf_time_limit_seconds: int = 4 * 3600
    session_cookie_secure: bool = False
    trusted_proxies: int = 0
    taxonomy_path: Path | None = None
    # Reward schemes (docs/rules.md §5); None: intake/domain/cases/rewards.toml.
    rewards_path: Path | None = None
    display_timezone: str = "Asia/Shanghai"
    # Who runs the site, shown on every public page (主办单位, address, ICP 备案号, emblem).
    # The defaults are a demonstration's and say they are invented.
    issuer: str = DEMO_ISSUER
    issuer_en: str = DEMO_ISSUER_EN
    address: str = DEMO_ADDRESS
    icp: str = DEMO_ICP
    emblem_path: Path | None = None
    public_url: str = ""
    extra: Mapping[str, object] = field(default_factory=dict)

    @property
    def upload_body_bytes(self) -> int:
        """Largest body of a form that carries files: text, every file, multipart overhead."""
        return self.max_body_bytes + self.attachments_max_files * self.attachment_max_bytes + 65536

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from QINGFENG_* variables, creating instance secrets on first run."""
        env = os.environ if environ is None else environ
        instance = Path(env.get("QINGFENG_INSTANCE", str(default_instance()))).resolve()
        stored = _instance_secrets(instance, env)
        return cls(
            secret_key=_hex_or(env, "QINGFENG_SECRET_KEY", stored["secret_key"]),
            receipt_salt=_hex_or(env, "QINGFENG_RECEIPT_SALT", stored["receipt_salt"]),
            index_key=_hex_or(env, "QINGFENG_INDEX_KEY", stored["index_key"]),
            database_url=env.get("DATABASE_URL", f"sqlite:///{instance / 'qingfeng.sqlite3'}"),
            instance_path=instance,
            ratelimit_storage_uri=env.get("RATELIMIT_STORAGE_URI", "memory://"),
            hotline_number=env.get("QINGFENG_HOTLINE_NUMBER", "12345"),
            receipt_kdf=_params(env, "QINGFENG_RECEIPT_KDF", RECEIPT_PARAMS),
            password_kdf=_params(env, "QINGFENG_PASSWORD_KDF", PASSWORD_PARAMS),
            max_body_bytes=_int(env, "QINGFENG_MAX_BODY_BYTES", 512 * 1024),
            report_rate_limit=env.get("QINGFENG_REPORT_RATE_LIMIT", "20 per hour"),
            status_rate_limit=env.get("QINGFENG_STATUS_RATE_LIMIT", "10 per minute;100 per hour"),
            api_rate_limit=env.get("QINGFENG_API_RATE_LIMIT", "120 per minute"),
            login_rate_limit=env.get("QINGFENG_LOGIN_RATE_LIMIT", "30 per minute;200 per hour"),
            decision_days=_int(env, "QINGFENG_DECISION_DAYS", 15),
            conclusion_days=_int(env, "QINGFENG_CONCLUSION_DAYS", 60),
            extension_days=_int(env, "QINGFENG_EXTENSION_DAYS", 30),
            deadline_mode=_choice(env, "QINGFENG_DEADLINE_DAYS", ("calendar", "working")),
            calendar_path=Path(env["QINGFENG_CALENDAR"]) if "QINGFENG_CALENDAR" in env else None,
            console_idle_minutes=_int(env, "QINGFENG_CONSOLE_IDLE_MINUTES", 30),
            console_absolute_hours=_int(env, "QINGFENG_CONSOLE_ABSOLUTE_HOURS", 12),
            reauth_minutes=_int(env, "QINGFENG_REAUTH_MINUTES", 5),
            reward_categories=tuple(
                c.strip()
                for c in env.get("QINGFENG_REWARD_CATEGORIES", "insurance_fraud").split(",")
                if c.strip()
            ),
            reward_min_yuan=_int(env, "QINGFENG_REWARD_MIN_YUAN", 200),
            reward_max_yuan=_int(env, "QINGFENG_REWARD_MAX_YUAN", 200_000),
            host_office=env.get("QINGFENG_HOST_OFFICE", "").strip(),
            retention_days=_int(env, "QINGFENG_RETENTION_DAYS", 730),
            attachments_max_files=_int(env, "QINGFENG_ATTACHMENTS_MAX_FILES", 5),
            attachment_max_bytes=_int(env, "QINGFENG_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024),
            console_url=env.get("QINGFENG_CONSOLE_URL", "http://127.0.0.1:8000"),
            smtp_host=env.get("QINGFENG_SMTP_HOST") or None,
            smtp_port=_int(env, "QINGFENG_SMTP_PORT", 587),
            smtp_user=env.get("QINGFENG_SMTP_USER") or None,
            smtp_password=env.get("QINGFENG_SMTP_PASSWORD") or None,
            smtp_from=env.get("QINGFENG_SMTP_FROM", "qingfeng@localhost"),
            smtp_starttls=env.get("QINGFENG_SMTP_STARTTLS", "1") == "1",
            session_cookie_secure=env.get("QINGFENG_SECURE_COOKIES", "0") == "1",
            trusted_proxies=_count(env, "QINGFENG_TRUSTED_PROXIES"),
            taxonomy_path=Path(env["QINGFENG_TAXONOMY"]) if "QINGFENG_TAXONOMY" in env else None,
            rewards_path=Path(env["QINGFENG_REWARDS"]) if "QINGFENG_REWARDS" in env else None,
            display_timezone=_zone(env, "QINGFENG_DISPLAY_TIMEZONE", "Asia/Shanghai"),
            issuer=env.get("QINGFENG_ISSUER", DEMO_ISSUER),
            issuer_en=env.get("QINGFENG_ISSUER_EN", DEMO_ISSUER_EN),
            address=env.get("QINGFENG_ADDRESS", DEMO_ADDRESS),
            icp=env.get("QINGFENG_ICP", DEMO_ICP),
            emblem_path=Path(env["QINGFENG_EMBLEM"]) if env.get("QINGFENG_EMBLEM") else None,
            public_url=env.get("QINGFENG_PUBLIC_URL", "").rstrip("/"),
        )


def _zone(env: Mapping[str, str], name: str, default: str) -> str:
    """An IANA time zone name, checked at start rather than at the first page."""
    value = env.get(name, default)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name}: unknown time zone {value!r}") from None
    return value


def _instance_secrets(instance: Path, env: Mapping[str, str]) -> dict[str, str]:
    """Read or create instance/secrets.json so the embedded default needs no set-up.

    Production passes every secret in the environment; then nothing is written. A file from
    before the index key gains one on the next start (no report is indexed without it).
    """
    if all(name in env for name in _SECRETS.values()):
        return {key: env[name] for key, name in _SECRETS.items()}
    if "QINGFENG_SECRET_KEY" in env and "QINGFENG_RECEIPT_SALT" in env:
        # The other secrets come from the environment, so this is a production set-up, perhaps
        # on several hosts: a key made up here would differ between them and find no repeats.
        raise ConfigError(
            "QINGFENG_INDEX_KEY is missing: set it like QINGFENG_SECRET_KEY, the same on every "
            "host (docs/operations.md)"
        )
    path = instance / "secrets.json"
    values: dict[str, str] = {}
    if path.exists():
        values = json.loads(path.read_text(encoding="utf-8"))
        if "index_key" in values:
            return values
    else:
        instance.mkdir(parents=True, exist_ok=True)
        values = {"secret_key": secrets.token_hex(32), "receipt_salt": secrets.token_hex(16)}
    values["index_key"] = secrets.token_hex(32)
    # Written whole beside the old file, then moved over it; 0600 from the start: these are keys.
    fresh = path.with_suffix(".tmp")
    fresh.unlink(missing_ok=True)
    fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(values, handle)
    os.replace(fresh, path)
    return values


_SECRETS = {
    # Names of environment variables, not secrets.
    "secret_key": "QINGFENG_SECRET_KEY",  # nosec B105
    "receipt_salt": "QINGFENG_RECEIPT_SALT",
    "index_key": "QINGFENG_INDEX_KEY",
}


def _hex_or(env: Mapping[str, str], name: str, fallback: str) -> bytes:
    text = env.get(name, fallback)
    try:
        value = bytes.fromhex(text)
    except ValueError as exc:
        raise ConfigError(f"{name} must be hexadecimal") from exc
    if len(value) < 16:
        raise ConfigError(f"{name} must be at least 16 bytes (32 hex digits)")
    return value


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    try:
        value = int(env.get(name, default))
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number") from exc
    if value <= 0:
        raise ConfigError(f"{name} must be positive")
    return value


def _choice(env: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str:
    value = env.get(name, allowed[0])
    if value not in allowed:
        raise ConfigError(f"{name} must be one of: {', '.join(allowed)}")
    return value


def _count(env: Mapping[str, str], name: str) -> int:
    try:
        value = int(env.get(name, "0"))
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number") from exc
    if value < 0:
        raise ConfigError(f"{name} must not be negative")
    return value


def _params(env: Mapping[str, str], prefix: str, default: Argon2Params) -> Argon2Params:
    try:
        return Argon2Params(
            memory_kib=_int(env, f"{prefix}_MEMORY_KIB", default.memory_kib),
            iterations=_int(env, f"{prefix}_ITERATIONS", default.iterations),
        )
    except ValueError as exc:
        raise ConfigError(f"{prefix}: {exc}") from exc
