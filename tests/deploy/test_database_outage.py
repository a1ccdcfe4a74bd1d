"""PostgreSQL goes away during a submission: a clear "try again" page, the text kept, nothing
half-stored; when it returns, sending again works."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from intake.domain.models import Report
from intake.platform import db
from tests.conftest import TEST_DATABASE_URL
from tests.deploy.proxy import CuttableProxy
from tests.helpers import VALID_REPORT, form_values, hidden_tokens


@pytest.fixture
def proxy() -> Iterator[CuttableProxy]:
    url = make_url(TEST_DATABASE_URL)
    cuttable = CuttableProxy((url.host or "127.0.0.1", url.port or 5432))
    yield cuttable
    cuttable.close()


def test_a_database_outage_keeps_the_text_and_stores_nothing(
    make_app: Callable[..., Flask], proxy: CuttableProxy
) -> None:
    through_proxy = make_url(TEST_DATABASE_URL).set(host="127.0.0.1", port=proxy.port)
    app = make_app(database_url=through_proxy.render_as_string(hide_password=False))
    client = app.test_client()
    tokens = hidden_tokens(client, "/report")

    proxy.cut()
    app.extensions["qingfeng.db"].engine.dispose()  # drop pooled connections, as a restart would
    response = client.post("/report", data={**VALID_REPORT, **tokens})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"  # a short back-off, not a limiter's window
    page = response.get_data(as_text=True)
    assert "未能保存" in page
    assert "Traceback" not in page
    assert form_values(page)["what_happened"] == VALID_REPORT["what_happened"]

    proxy.restore()
    retry = client.post("/report", data={**VALID_REPORT, **form_values(page)})
    assert retry.status_code == 200
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Report)) == 1
