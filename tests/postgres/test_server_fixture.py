"""Without PostgreSQL's server binaries the server tests are skipped, saying what to
install, except where STUDY_TEST_POSTGRES_REQUIRED is set (CI): there they fail."""

from __future__ import annotations

import pytest

from tests import postgres_server
from tests.postgres_server import REQUIRE_VARIABLE, server_for_tests


def test_no_server_binaries_skip_with_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres_server, "server_binaries", lambda: None)
    monkeypatch.delenv(REQUIRE_VARIABLE, raising=False)
    with (
        pytest.raises(pytest.skip.Exception, match="apt-get install postgresql"),
        server_for_tests(),
    ):
        pass


def test_no_server_binaries_fail_where_a_server_is_required(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(postgres_server, "server_binaries", lambda: None)
    monkeypatch.setenv(REQUIRE_VARIABLE, "1")
    with pytest.raises(pytest.fail.Exception, match=REQUIRE_VARIABLE), server_for_tests():
        pass
