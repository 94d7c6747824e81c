"""Fuzz every operation of the OpenAPI schema against the running site: no 5xx, ever.

schemathesis makes the requests from the app's own OpenAPI document; hypothesis drives it
(schemathesis's pytest plugin does not work with this pytest, so the strategies are drawn
directly).
"""

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperwire.config import Settings
from paperwire.web.app import create_app
from tests.servers import Site
from tests.test_site import RECORDS

SCHEMA = schemathesis.openapi.from_dict(create_app(Settings(db=Path("unused.db"))).openapi())
OPERATIONS = {op.ok().label: op.ok() for op in SCHEMA.get_all_operations()}


@pytest.fixture(scope="module")
def api_site(tmp_path_factory):
    with Site.with_papers(tmp_path_factory.mktemp("fuzz"), RECORDS) as running:
        yield running


def test_every_api_operation_is_fuzzed():
    assert {"GET /api/daily_papers", "GET /api/papers/search", "POST /api/collections",
            "POST /api/papers/{ident}/upvote"} <= set(OPERATIONS)


@pytest.mark.parametrize("label", sorted(OPERATIONS))
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_operation_answers_with_a_server_error(api_site, label, data):
    case = data.draw(OPERATIONS[label].as_strategy())
    response = case.call(base_url=api_site.url)
    assert response.status_code < 500, (label, case.formatted_path, response.text[:300])
    if response.status_code >= 400 and label.split()[1].startswith("/api/"):  # JSON errors
        assert response.headers.get("content-type", [""])[0].startswith("application/json"), (
            label, case.formatted_path, response.status_code, response.text[:200])
        assert "error" in response.json()
