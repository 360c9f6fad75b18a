"""The federated-token refresher: asks Azure DevOps as AzurePipelinesCredential does, replaces the file atomically,
keeps the last token when a request fails, and does nothing outside a federated pipeline step."""

from __future__ import annotations

import stat
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from delivery.federated_token import fetcher, keep_fresh, main, write_token
from tests.support.recording_http import Script, serving

CONNECTION = "7d3e2c1b-0a9f-4e8d-b7c6-5a4f3e2d1c0b"


def environment(base: str) -> dict[str, str]:
    return {
        "SYSTEM_OIDCREQUESTURI": f"{base}/org/project/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken",
        "SYSTEM_ACCESSTOKEN": "job-access-token",
        "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID": CONNECTION,
    }


def test_the_request_is_the_one_azure_devops_documents() -> None:
    script = Script([(200, {"oidcToken": "fresh-token"})])
    with serving(script) as base:
        assert fetcher(environment(base))() == "fresh-token"
    (request,) = script.requests
    url = urlsplit(request.path)
    assert url.path.endswith("/oidctoken")
    assert parse_qs(url.query) == {"api-version": ["7.1"], "serviceConnectionId": [CONNECTION]}
    assert request.headers["authorization"] == "Bearer job-access-token"
    assert request.headers["x-tfs-fedauthredirect"] == "Suppress"


def test_an_answer_without_a_token_is_an_error() -> None:
    with serving(Script([(200, {"unexpected": True})])) as base, pytest.raises(Exception, match="without an oidcToken"):
        fetcher(environment(base))()


def test_the_file_is_replaced_whole_and_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "azure-federated-token"
    path.write_text("old")
    write_token(path, "new")
    assert path.read_text() == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["azure-federated-token"]


def test_each_interval_writes_a_new_token_and_a_failed_request_keeps_the_last(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text("from-the-task")
    stop = threading.Event()
    seen: list[str] = []

    def fetch() -> str:
        seen.append(path.read_text())
        if len(seen) == 1:
            return "first"
        if len(seen) == 2:
            raise ValueError("503 from Azure DevOps")
        stop.set()
        return "third"

    warnings: list[str] = []
    assert keep_fresh(path, fetch, 0.01, stop, warnings.append) == 2
    assert seen == ["from-the-task", "first", "first"], "the failed request left the last token in place"
    assert path.read_text() == "third"
    assert len(warnings) == 1 and "federated token not refreshed, the last one stays: 503" in warnings[0]


def test_the_process_refreshes_against_a_server_until_stopped(tmp_path: Path) -> None:
    path = tmp_path / "token"
    script = Script([(500, {}), (200, {"oidcToken": "after-a-retry"})])
    stop = threading.Event()
    with serving(script) as base:
        fetch = fetcher(environment(base), retry_total=2)
        worker = threading.Thread(target=keep_fresh, args=(path, fetch, 0.01, stop, lambda _line: None))
        worker.start()
        for _ in range(500):
            if path.exists():
                break
            stop.wait(0.01)
        stop.set()
        worker.join(5)
    assert path.read_text() == "after-a-retry"
    assert len(script.requests) >= 2, "azure-core retried the 500"


def test_outside_a_federated_step_there_is_nothing_to_refresh(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "token"
    assert main(["--file", str(path)], env={"SYSTEM_ACCESSTOKEN": "x"}) == 0
    assert not path.exists()
    err = capsys.readouterr().err
    assert "nothing to refresh (SYSTEM_OIDCREQUESTURI, AZURESUBSCRIPTION_SERVICE_CONNECTION_ID not set)" in err
    assert "Traceback" not in err
