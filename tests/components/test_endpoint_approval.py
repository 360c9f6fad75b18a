"""Approving a managed endpoint's connection: find it by endpoint name, approve it once, wait for it, never guess."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from components import endpoint_approval
from components.endpoint_approval import ApprovalError, approval_body, approve, find_connection
from tests.support.azure_standin import AzureStandIn, Reply, StandInCredential, token_for
from tests.support.fake_time import FakeTime

LAKE = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stlake"
LISTING = f"{LAKE}/privateEndpointConnections"


def _connection(endpoint: str, status: str) -> dict[str, Any]:
    return {
        "id": f"{LAKE}/privateEndpointConnections/{endpoint}-conn",
        "name": f"{endpoint}-conn",
        "properties": {
            "privateEndpoint": {
                "id": f"/subscriptions/ms/resourceGroups/x/providers/Microsoft.Network/privateEndpoints/{endpoint}"
            },
            "privateLinkServiceConnectionState": {"status": status, "description": "", "actionsRequired": "None"},
            "provisioningState": "Succeeded",
        },
    }


def listing(*connections: dict[str, Any]) -> Reply:
    return Reply.json(200, {"value": list(connections)})


def approve_on(
    standin: AzureStandIn, endpoint: str, *, timeout: float = 300, time: FakeTime | None = None
) -> Mapping[str, Any]:
    """The approval against the stand-in, polling every 10 s on virtual time: the pauses pass at once."""
    time = time or FakeTime()
    return approve(
        LAKE,
        endpoint,
        timeout_seconds=timeout,
        poll_seconds=10,
        arm_endpoint=standin.url,
        credential=StandInCredential(),
        clock=time,
        transport=time.transport(),
    )


def connection_path(endpoint: str) -> str:
    return f"{LAKE}/privateEndpointConnections/{endpoint}-conn"


def test_the_connection_is_found_by_its_endpoints_name_not_by_position() -> None:
    connections = [_connection("someone-else", "Pending"), _connection("adf-x.mpe-lake-dfs", "Pending")]
    assert find_connection(connections, "ADF-X.mpe-lake-dfs") is connections[1]
    assert find_connection(connections, "adf-x.mpe-sql") is None


def test_the_approval_keeps_azures_properties_and_sets_approved() -> None:
    body = approval_body(_connection("adf-x.mpe-lake-dfs", "Pending"), "why")
    assert body["properties"]["privateLinkServiceConnectionState"]["status"] == "Approved"
    assert "privateEndpoint" in body["properties"]
    assert "provisioningState" not in body["properties"]


def test_a_pending_connection_is_approved_with_one_put_on_its_own_id(standin: AzureStandIn) -> None:
    endpoint = "adf-x.mpe-lake-dfs"
    standin.script("GET", LISTING, listing(_connection(endpoint, "Pending")))
    approved = {**_connection(endpoint, "Approved"), "name": "approved"}
    standin.script("PUT", connection_path(endpoint), Reply.json(200, approved))
    assert approve_on(standin, endpoint) == approved
    (put,) = standin.requests("PUT", connection_path(endpoint))
    assert put.query["api-version"] == ["2023-05-01"]
    state = json.loads(put.body)["properties"]["privateLinkServiceConnectionState"]
    assert state["status"] == "Approved"
    assert put.headers["Authorization"] == f"Bearer {token_for('https://management.azure.com')}"


def test_an_approval_arm_accepts_asynchronously_is_followed_to_its_end(standin: AzureStandIn) -> None:
    endpoint = "adf-x.mpe-lake-async"
    standin.script("GET", LISTING, listing(_connection(endpoint, "Pending")))
    operation = "/operations/approve-async"
    standin.script(
        "PUT", connection_path(endpoint), Reply.json(201, {}, **{"Azure-AsyncOperation": standin.url + operation})
    )
    standin.script(
        "GET", operation, Reply.json(200, {"status": "InProgress"}), Reply.json(200, {"status": "Succeeded"})
    )
    approved = {**_connection(endpoint, "Approved"), "name": "approved-async"}
    standin.script("GET", connection_path(endpoint), Reply.json(200, approved))
    time = FakeTime()
    assert approve_on(standin, endpoint, time=time)["name"] == "approved-async"
    assert len(standin.requests("GET", operation)) == 2, "polled until ARM said Succeeded"
    assert set(time.sleeps) == {10}, "ARM's operation is read again after pauses of poll_seconds"


def test_an_approved_connection_is_left_alone(standin: AzureStandIn) -> None:
    endpoint = "adf-x.mpe-already"
    standin.script("GET", LISTING, listing(_connection(endpoint, "Approved")))
    approve_on(standin, endpoint)
    assert standin.requests("PUT", connection_path(endpoint)) == []


def test_the_approval_waits_until_adf_has_asked(standin: AzureStandIn) -> None:
    endpoint = "adf-x.mpe-later"
    before = len(standin.requests("GET", LISTING))
    standin.script("GET", LISTING, listing(), listing(), listing(_connection(endpoint, "Pending")))
    standin.script("PUT", connection_path(endpoint), Reply.json(200, _connection(endpoint, "Approved")))
    time = FakeTime()
    approve_on(standin, endpoint, time=time)
    assert len(standin.requests("GET", LISTING)) - before == 3
    assert time.sleeps == [10, 10], "the listing read again every poll_seconds"
    assert len(standin.requests("PUT", connection_path(endpoint))) == 1


def test_a_missing_connection_fails_at_the_deadline_listing_what_it_saw(standin: AzureStandIn) -> None:
    standin.script("GET", LISTING, listing(_connection("someone-else", "Pending")))
    before = len(standin.requests("GET", LISTING))
    with pytest.raises(ApprovalError, match=r"after 60s; connections seen: .*/privateEndpoints/someone-else"):
        approve_on(standin, "adf-x.mpe-never", timeout=60)
    assert len(standin.requests("GET", LISTING)) - before == 7, "at 0, 10, ... 60 s"


def test_a_rejected_connection_is_not_silently_reapproved(standin: AzureStandIn) -> None:
    standin.script("GET", LISTING, listing(_connection("adf-x.mpe-sql", "Rejected")))
    with pytest.raises(ApprovalError, match="is Rejected"):
        approve_on(standin, "adf-x.mpe-sql")
    assert standin.requests("PUT", connection_path("adf-x.mpe-sql")) == []


def test_each_target_provider_has_its_api_version() -> None:
    assert (
        endpoint_approval.api_version("/subscriptions/s/resourceGroups/r/providers/Microsoft.Sql/servers/x")
        == "2021-11-01"
    )
    with pytest.raises(ApprovalError, match=r"provider 'microsoft\.cosmos' unknown"):
        endpoint_approval.api_version("/subscriptions/s/resourceGroups/r/providers/Microsoft.Cosmos/x/y")
