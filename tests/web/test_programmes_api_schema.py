"""Schemathesis against /openapi.json, in process: no request it can make gets a 500.

Every operation is fuzzed twice: anonymously (writes must answer 401, never 500) and with an
editor's token (so bodies are validated and written to the store). Examples are bounded to
keep the suite quick.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from finder.world import record, save, token_for

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def operations(app):  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("signed", [False, True], ids=["anonymous", "editor-token"])
def test_no_request_gets_a_server_error(finder_app, signed: bool) -> None:  # type: ignore[no-untyped-def]
    sessions = finder_app.state.scaleup.sessions
    save(sessions, record(), record(id="uk", name="UK wide", areas=["UK"]))
    token = token_for(sessions, "editor@example.org")
    headers = {"Authorization": f"Bearer {token}"} if signed else {}
    found = operations(finder_app)
    paths = {op.path for op in found}
    assert {"/api/v1/programmes", "/api/v1/programmes/{programme_id}"} <= paths
    tried = []
    for operation in found:

        @settings(
            max_examples=20,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def fuzz(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error, status_code_conformance])
            if not signed and case.method.upper() in WRITES:
                assert response.status_code == 401, (case.method, case.path)

        fuzz()
        tried.append(f"{operation.method.upper()} {operation.path}")
    assert len(tried) >= 6
