"""Where the code goes (the SCM host is read from the site, never built from the app name), and what a publish that
cannot get through says."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from components.zip_deploy import MissingScmHostError, PublishTiming, publish_zip, scm_base_url
from stack.errors import InputError
from tests.support.azure_standin import AzureStandIn, Reply, StandInCredential

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


FAST = PublishTiming(
    poll_interval_seconds=0.01, deploy_timeout_seconds=2, retry_seconds=0.3, retry_interval_seconds=0.05
)


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dist") / "function.zip"
    path.write_bytes(b"PK\x05\x06" + bytes(18))
    return path


def publish(scm: str, package: Path) -> str:
    digest = hashlib.sha256(package.read_bytes()).hexdigest()
    return publish_zip(scm, str(package), digest, FAST, credential=StandInCredential())


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
    assert "could not be reached within 0.3 s" in message and "Connection refused" in message
    assert "private endpoint (group sites" in message


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
    assert len(standin.requests("POST", f"/unit-scm/{storage_error}/api/publish")) >= 3, "a fresh role is waited on"


def test_a_deployment_that_is_not_visible_at_first_is_read_again(standin: AzureStandIn, package: Path) -> None:
    standin.script("POST", "/unit-scm/late/api/publish", Reply.json(202, "dep-late"))
    done = Reply.json(200, {"id": "dep-late", "status": 4})
    standin.script("GET", "/unit-scm/late/api/deployments/dep-late", Reply(404), Reply(503), done)
    assert publish(f"{standin.url}/unit-scm/late", package) == "dep-late"
    assert len(standin.requests("GET", "/unit-scm/late/api/deployments/dep-late")) == 3
