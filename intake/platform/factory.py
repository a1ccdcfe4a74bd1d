"""The app factory: the only place that knows crypto, intake and admin together."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

import admin
from intake.api import views as api
from intake.config import ROOT, Settings
from intake.domain.cases import rewards
from intake.domain.cases.content import LIMITS
from intake.domain.cases.deadlines import clock_for
from intake.domain.cases.taxonomy import Taxonomy, load_taxonomy
from intake.platform import context, db, errors, headers, i18n, ratelimit, uploads, widgets
from intake.platform.markup import plain_text_to_html
from intake.platform.spool import SpoolingRequest
from intake.public import unit_site
from intake.public import views as public


def create_app(settings: Settings | None = None, *, taxonomy: Taxonomy | None = None) -> Flask:
    """Build the Flask app from explicit settings (from the environment when omitted)."""
    settings = settings or Settings.from_env()
    # A malformed taxonomy stops start-up here, with the file and line in the message.
    taxonomy = taxonomy or load_taxonomy(settings.taxonomy_path)
    # So is a malformed working-day calendar, and a reward scheme naming an unknown category.
    clock_for(settings)
    reward_schemes = rewards.load(settings.rewards_path, {c.code for c in taxonomy.categories})

    app = Flask(
        "intake",
        static_folder=str(ROOT / "static"),
        instance_path=str(settings.instance_path),
    )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        MAX_FORM_MEMORY_SIZE=settings.max_body_bytes,
        WTF_CSRF_TIME_LIMIT=settings.csrf_time_limit_seconds,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=8),
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )
    if settings.trusted_proxies:
        # Only behind proxies we run: otherwise anyone could choose the address the rate
        # limit hashes, and claim HTTPS.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies
        )
    app.extensions["qingfeng.settings"] = settings
    app.extensions["qingfeng.taxonomy"] = taxonomy
    app.extensions["qingfeng.rewards"] = reward_schemes

    database = db.Database(settings.database_url)
    db.init_app(app, database)
    i18n.init_app(app)
    # Uploaded files are spooled to disk encrypted under an ephemeral key (intake/spool.py).
    app.request_class = SpoolingRequest
    # Registered before CSRFProtect, whose check parses the form and consumes the body.
    app.before_request(uploads.allow_uploads)
    app.before_request(uploads.keep_raw_form_body)
    csrf = CSRFProtect(app)
    # The API authenticates with bearer tokens, not cookies, so CSRF does not apply to it.
    csrf.exempt(api.bp)
    headers.init_app(app)
    widgets.install()
    app.jinja_env.globals.update(html_lang=i18n.html_lang, languages=i18n.LANGUAGES, limits=LIMITS)
    app.jinja_env.filters["plain"] = plain_text_to_html
    app.jinja_env.filters["local_time"] = context.local_time
    app.context_processor(
        lambda: {
            "locale": i18n.current(),
            "max_files": settings.attachments_max_files,
            "max_mb": settings.attachment_max_bytes // (1024 * 1024),
            # Who runs the site: the unit's own, on its own host name (intake/public/unit_site.py).
            **unit_site.identity(settings, i18n.current()),
        }
    )

    app.register_blueprint(public.bp)
    app.register_blueprint(api.bp)
    admin.init_app(app)

    ratelimit.init_app(
        app,
        settings,
        {
            "public.report": (settings.report_rate_limit, None),
            "api.create_report": (settings.api_rate_limit, api.client_key),
            "admin.auth.login": (settings.login_rate_limit, None),
            "admin.auth.recover": (settings.login_rate_limit, None),
            "admin.auth.reauth": (settings.login_rate_limit, None),
            "admin.auth.password": (settings.login_rate_limit, None),
            "admin.auth.rotate_key": (settings.login_rate_limit, None),
        },
        # Every form that takes a receipt code costs an Argon2id and is a guess at a code:
        # one budget for all of them, not one each.
        shared={
            "receipt-code": (
                settings.status_rate_limit,
                (
                    "public.status",
                    "public.status_reply",
                    "public.status_reward",
                    "public.status_attach",
                ),
            )
        },
    )
    errors.init_app(
        app,
        {
            "public.report": public.recover_report_form,
            "public.status": public.recover_status_form,
            "public.status_reply": public.recover_reply_form,
            "public.status_reward": public.recover_claim_form,
            "public.status_attach": public.recover_attach_form,
        },
    )
    return app
