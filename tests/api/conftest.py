"""Fixtures of the hotline API tests."""

from __future__ import annotations

import pytest
from flask import Flask

from intake.domain.keys import hotline
from intake.platform import context, db


@pytest.fixture
def token(app: Flask) -> str:
    """A fresh hotline token of a call-centre system."""
    with app.test_request_context():
        return hotline.create_token(db.session(), "call-centre-a", context.today())
