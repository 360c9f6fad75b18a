"""Where the code goes (the SCM host is read from the site, never built from the app name), what a publish that
cannot get through says, and the deployment it starts, detail by detail: each status Kudu reports, each answer
while it is read, each form the publish answer names the deployment in, and a package changed after hashing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from components.zip_deploy import MissingScmHostError, PublishTiming, publish_zip, scm_base_url
from stack.errors import InputError
from tests.support.azure_standin import AzureStandIn, Reply, StandInCredential
from tests.support.fake_time import FakeTime

REGIONAL = "func-gen-a1b2c3d4e5f6g7h8.westeurope-01.azurewebsites.net"
REGIONAL_SCM = "func-gen-a1b2c3d4e5f6g7h8.scm.westeurope-01.azurewebsites.net"


def test_the_repository_host_of_the_site_is_the_scm_host() -> None:
    states = [{"name": REGIONAL, "hostType": "Standard"}, {"name": REGIONAL_SCM, "hostType": "Repository"}]
    assert scm_base_url(states, [REGIONAL]) == f"https://{REGIONAL_SCM}"


def test_without_ssl_states_the_enabled_scm_host_name_is_used() -> None:
    assert scm_base_url(None, [REGIONAL, REGIONAL_SCM]) == f"https://{REGIONAL_SCM}"


def test_a_site_without_an_scm_host_fails_clearly() -> None:
    with pytest.raises(MissingScmHostError, match=r"hostNameSslStates has no entry of hostType Repository") as raised:
        scm_base_url([{"name": REGIONAL, "hostType": "Standard"}], [REGIONAL])
    assert isinstance(raised.value, InputError)


FAST = PublishTiming(poll_interval_seconds=2, deploy_timeout_seconds=900, retry_seconds=60, retry_interval_seconds=10)
"""The default polling and deploy bound; a minute of retries 10 s apart. The tests run on virtual time
(tests/support/fake_time.py): every pause passes at once, and a bound allows the same number of requests on every
run."""


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dist") / "function.zip"
    path.write_bytes(b"PK\x05\x06" + bytes(18))
    return path


SHORT = PublishTiming(poll_interval_seconds=2, deploy_timeout_seconds=10, retry_seconds=60, retry_interval_seconds=10)
"""A deploy bound of 10 s: the deployment is read at 0, 2, ... 10 s."""


def publish(scm: str, package: Path, timing: PublishTiming = FAST, time: FakeTime | None = None) -> str:
    digest = hashlib.sha256(package.read_bytes()).hexdigest()
    time = time or FakeTime()
    return publish_zip(
        scm, str(package), digest, timing, credential=StandInCredential(), clock=time, transport=time.transport()
    )


def test_a_403_from_the_scm_host_means_no_private_path_yet_and_names_the_endpoint(
    standin: AzureStandIn, package: Path
) -> None:
    standin.script("POST", "/unit-scm/forbidden/api/publish", Reply(403, b"Ip Forbidden"), Reply(202))
    with pytest.raises(RuntimeError) as info:
        publish(f"{standin.url}/unit-scm/forbidden", package)
    message = str(info.value)
    assert "HTTP 403 Ip Forbidden" in message and "public network access is disabled" in message
    assert "private endpoint (group sites" in message and "privatelink.azurewebsites.net" in message
    assert len(standin.requests("POST", "/unit-scm/forbidden/api/publish")) == 1, "never retried"


def test_an_scm_host_that_cannot_be_reached_yet_is_retried_then_named_with_the_path_it_needs(package: Path) -> None:
    with pytest.raises(RuntimeError) as info:
        publish("http://127.0.0.1:9/unit-scm", package)
    message = str(info.value)
    assert "the SCM host 127.0.0.1 could not be reached within 60 s (7 attempts" in message
    assert "Connection refused" in message
    assert "private endpoint (group sites" in message


@pytest.mark.parametrize(
    ("status", "body"), [(400, {"Message": "bad zip"}), (409, {"Message": "BlobUploadFailed: 403 Forbidden"})]
)
def test_only_a_400_naming_blob_upload_failed_is_a_fresh_role(
    standin: AzureStandIn, package: Path, status: int, body: dict[str, str]
) -> None:
    """Any other client error is the answer: no retry, and the message is Kudu's own."""
    case = f"client{status}"
    standin.script("POST", f"/unit-scm/{case}/api/publish", Reply.json(status, body), Reply(202))
    with pytest.raises(RuntimeError) as info:
        publish(f"{standin.url}/unit-scm/{case}", package)
    assert str(info.value).startswith(f"publishing {package} to {standin.url}/unit-scm/{case} failed: HTTP {status} ")
    assert len(standin.requests("POST", f"/unit-scm/{case}/api/publish")) == 1


@pytest.mark.parametrize(
    ("storage_error", "hint"),
    [
        ("AuthorizationFailure", "refused the app's write for network reasons"),
        ("AuthorizationPermissionMismatch", "Storage Blob Data Owner"),
    ],
)
def test_a_package_the_host_storage_keeps_refusing_says_whether_the_network_or_the_role_is_missing(
    standin: AzureStandIn, package: Path, storage_error: str, hint: str
) -> None:
    refused = Reply.json(400, {"Message": f"BlobUploadFailed: 403 ErrorCode:{storage_error}"})
    standin.script("POST", f"/unit-scm/{storage_error}/api/publish", refused)
    with pytest.raises(RuntimeError, match=hint):
        publish(f"{standin.url}/unit-scm/{storage_error}", package)
    assert len(standin.requests("POST", f"/unit-scm/{storage_error}/api/publish")) == 7, "a fresh role is waited on"


def test_a_deployment_that_is_not_visible_at_first_is_read_again(standin: AzureStandIn, package: Path) -> None:
    standin.script("POST", "/unit-scm/late/api/publish", Reply.json(202, "dep-late"))
    done = Reply.json(200, {"id": "dep-late", "status": 4})
    standin.script("GET", "/unit-scm/late/api/deployments/dep-late", Reply(404), Reply(503), done)
    assert publish(f"{standin.url}/unit-scm/late", package) == "dep-late"
    assert len(standin.requests("GET", "/unit-scm/late/api/deployments/dep-late")) == 3


# --- the deployment, detail by detail ----------------------------------------------------------------------------
# The Flex Consumption publish contract (Azure/azure-dev#3658) and Kudu's DeployStatus enum
# (https://github.com/projectkudu/kudu/wiki/REST-API): 0 pending, 1 building, 2 deploying, 3 failed, 4 success;
# the Flex host adds -1 cancelled, 5 conflict and 6 partial success.


def scripted(standin: AzureStandIn, case: str, *statuses: Reply, accepted: Reply | None = None) -> tuple[str, str]:
    """A site whose publish answers with deployment `dep-<case>`, read as `statuses` in turn; (scm url, status path)."""
    scm = f"/kudu/{case}"
    standin.script("POST", f"{scm}/api/publish", accepted or Reply.json(202, f"dep-{case}"))
    status_path = f"{scm}/api/deployments/dep-{case}"
    standin.script("GET", status_path, *statuses)
    return standin.url + scm, status_path


def status(code: int | str, **extra: str) -> Reply:
    return Reply.json(200, {"id": "dep", "status": code, **extra})


@pytest.mark.parametrize("in_progress", [0, 1, 2])
def test_each_status_before_the_end_is_read_again_until_success(
    standin: AzureStandIn, package: Path, in_progress: int
) -> None:
    case = f"progress{in_progress}"
    scm, path = scripted(standin, case, status(in_progress), status(in_progress), status(4))
    assert publish(scm, package) == f"dep-{case}"
    assert len(standin.requests("GET", path)) == 3


@pytest.mark.parametrize(
    ("code", "words"),
    [(-1, "was cancelled"), (3, "failed"), (5, "met a conflicting deployment"), (6, "succeeded only partly")],
)
def test_each_final_failure_ends_the_publish_at_once_with_its_name_detail_and_log(
    standin: AzureStandIn, package: Path, code: int, words: str
) -> None:
    case = f"final{code}".replace("-", "m")
    scm, path = scripted(standin, case, status(code, status_text="host said no", log_url="https://log/1"), status(4))
    with pytest.raises(RuntimeError) as raised:
        publish(scm, package)
    assert str(raised.value) == f"the deployment {standin.url}{path} {words}: host said no (log: https://log/1)"
    assert len(standin.requests("GET", path)) == 1, "a final status is not read again"


def test_a_failure_without_status_text_gives_the_message_instead(standin: AzureStandIn, package: Path) -> None:
    scm, _ = scripted(standin, "message", status(3, message="build broke"))
    with pytest.raises(RuntimeError, match=r"failed: build broke \(log: None\)"):
        publish(scm, package)


def test_the_status_is_read_as_a_number_whatever_json_type_it_comes_as(standin: AzureStandIn, package: Path) -> None:
    scm, _ = scripted(standin, "text", status("1"), status("4"))
    assert publish(scm, package) == "dep-text"


def test_an_unknown_status_is_not_final_and_times_out_naming_it(standin: AzureStandIn, package: Path) -> None:
    scm, path = scripted(standin, "unknown", status(7))
    time = FakeTime()
    with pytest.raises(RuntimeError) as raised:
        publish(scm, package, SHORT, time)
    assert str(raised.value) == f"the deployment {standin.url}{path} did not complete within 10 s (it has status 7)"
    assert len(standin.requests("GET", path)) == 6
    assert time.sleeps == [2] * 5


def test_a_deployment_that_never_appears_times_out_naming_the_404(standin: AzureStandIn, package: Path) -> None:
    scm, path = scripted(standin, "missing", Reply(404))
    with pytest.raises(RuntimeError) as raised:
        publish(scm, package, SHORT)
    assert str(raised.value).endswith("did not complete within 10 s (it answered HTTP 404)")
    assert len(standin.requests("GET", path)) == 6


@pytest.mark.parametrize(("code", "words"), [(0, "is pending"), (1, "is building"), (2, "is deploying")])
def test_a_deployment_still_running_at_the_deadline_times_out_naming_its_last_status(
    standin: AzureStandIn, package: Path, code: int, words: str
) -> None:
    scm, _ = scripted(standin, f"slow{code}", status(code))
    with pytest.raises(RuntimeError) as raised:
        publish(scm, package, SHORT)
    assert str(raised.value).endswith(f"did not complete within 10 s (it {words})")


def test_the_default_timing_polls_every_2_s_as_the_publish_contract_asks() -> None:
    """Tools poll no more often than about every 2 s (Azure/azure-dev#3658); the deploy gets 15 minutes, a fresh
    role or a throttled host 10 minutes of retries 10 s apart. A stack's props may set each, and unset ones keep
    these."""
    assert PublishTiming() == PublishTiming(
        poll_interval_seconds=2.0, deploy_timeout_seconds=900.0, retry_seconds=600.0, retry_interval_seconds=10.0
    )
    assert PublishTiming.from_props({"deploy_timeout_seconds": 60}) == PublishTiming(deploy_timeout_seconds=60.0)


@pytest.mark.parametrize("answer", [404, 429, 500, 502, 503, 504])
def test_answers_that_waiting_fixes_are_read_again(standin: AzureStandIn, package: Path, answer: int) -> None:
    scm, path = scripted(standin, f"again{answer}", Reply(answer), status(4))
    assert publish(scm, package) == f"dep-again{answer}"
    assert len(standin.requests("GET", path)) == 2


@pytest.mark.parametrize("answer", [400, 401, 403, 409])
def test_other_answers_while_reading_fail_at_once(standin: AzureStandIn, package: Path, answer: int) -> None:
    scm, path = scripted(standin, f"refused{answer}", Reply(answer, b"no"), status(4))
    with pytest.raises(RuntimeError) as raised:
        publish(scm, package)
    assert str(raised.value) == f"reading the deployment status {standin.url}{path} failed: HTTP {answer} no"
    assert len(standin.requests("GET", path)) == 1


@pytest.mark.parametrize(
    ("accepted", "deployment"),
    [
        (Reply.json(202, "dep-json"), "dep-json"),
        (Reply.json(202, {"id": "dep-object"}), "dep-object"),
        (Reply(202, b"dep-bare\n"), "dep-bare"),
        (Reply.json(200, "dep-ok"), "dep-ok"),
    ],
    ids=["json-string", "object-with-id", "bare-text", "200"],
)
def test_the_deployment_is_named_by_the_publish_answer_in_each_form(
    standin: AzureStandIn, package: Path, accepted: Reply, deployment: str
) -> None:
    scm = f"/kudu/form-{deployment}"
    standin.script("POST", f"{scm}/api/publish", accepted)
    standin.script("GET", f"{scm}/api/deployments/{deployment}", status(4))
    assert publish(standin.url + scm, package) == deployment


def test_without_an_id_the_location_header_is_followed(standin: AzureStandIn, package: Path) -> None:
    location = standin.script("GET", "/kudu/located/api/deployments/latest", status(4))
    standin.script("POST", "/kudu/located/api/publish", Reply(202, b"", {"Location": location}))
    assert publish(f"{standin.url}/kudu/located", package) == location


def test_without_an_id_or_a_location_there_is_nothing_to_follow(standin: AzureStandIn, package: Path) -> None:
    standin.script("POST", "/kudu/anonymous/api/publish", Reply(202, b"accepted, see you"))
    with pytest.raises(RuntimeError, match=r"answered HTTP 202 without a deployment id to follow: accepted, see you"):
        publish(f"{standin.url}/kudu/anonymous", package)


def test_a_package_that_changed_after_it_was_hashed_is_not_sent(standin: AzureStandIn, tmp_path: Path) -> None:
    changed = tmp_path / "function.zip"
    changed.write_bytes(b"new build")
    standin.script("POST", "/kudu/changed/api/publish", Reply.json(202, "dep-changed"))
    with pytest.raises(RuntimeError, match=r"changed after the program hashed it .*run pulumi up again"):
        publish_zip(
            f"{standin.url}/kudu/changed",
            str(changed),
            hashlib.sha256(b"old build").hexdigest(),
            FAST,
            credential=StandInCredential(),
        )
    assert standin.requests("POST", "/kudu/changed/api/publish") == []


@pytest.mark.parametrize("answer", [429, 500])
def test_throttling_and_server_errors_are_retried_until_the_budget_and_then_said_so(
    standin: AzureStandIn, package: Path, answer: int
) -> None:
    case = f"busy{answer}"
    standin.script("POST", f"/unit-scm/{case}/api/publish", Reply(answer, b"busy"))
    with pytest.raises(RuntimeError) as info:
        publish(f"{standin.url}/unit-scm/{case}", package, SHORT)
    assert "failed after 60 s (7 attempts" in str(info.value)
    assert f"attempts, last HTTP {answer} busy): the publish endpoint kept failing" in str(info.value)
    assert len(standin.requests("POST", f"/unit-scm/{case}/api/publish")) == 7
