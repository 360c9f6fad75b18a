"""Approving a managed endpoint's connection: find it by endpoint name, approve it once, wait for it, never guess."""

from __future__ import annotations

from typing import Any

import pytest

from components import endpoint_approval
from components.endpoint_approval import ApprovalError, approval_body, approve, find_connection

LAKE = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stlake"


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


class FakeArm:
    """Answers the listing with a sequence of connection lists, and records PUTs."""

    def __init__(self, listings: list[list[dict[str, Any]]]) -> None:
        self.listings = listings
        self.calls: list[tuple[str, str, Any]] = []

    def __call__(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        self.calls.append((method, path, body))
        if method == "GET":
            return {"value": self.listings.pop(0) if len(self.listings) > 1 else self.listings[0]}
        return {**body, "id": path.split("?")[0], "name": "approved"}


def test_the_connection_is_found_by_its_endpoints_name_not_by_position() -> None:
    connections = [_connection("someone-else", "Pending"), _connection("adf-x.mpe-lake-dfs", "Pending")]
    assert find_connection(connections, "ADF-X.mpe-lake-dfs") is connections[1]
    assert find_connection(connections, "adf-x.mpe-sql") is None


def test_the_approval_keeps_azures_properties_and_sets_approved() -> None:
    body = approval_body(_connection("adf-x.mpe-lake-dfs", "Pending"), "why")
    assert body["properties"]["privateLinkServiceConnectionState"]["status"] == "Approved"
    assert "privateEndpoint" in body["properties"]
    assert "provisioningState" not in body["properties"]


def test_a_pending_connection_is_approved_with_one_put_on_its_own_id(monkeypatch: pytest.MonkeyPatch) -> None:
    arm = FakeArm([[_connection("adf-x.mpe-lake-dfs", "Pending")]])
    monkeypatch.setattr(endpoint_approval, "_arm", arm)
    approve(LAKE, "adf-x.mpe-lake-dfs", timeout_seconds=0, poll_seconds=0)
    puts = [call for call in arm.calls if call[0] == "PUT"]
    assert len(puts) == 1
    assert puts[0][1] == f"{LAKE}/privateEndpointConnections/adf-x.mpe-lake-dfs-conn?api-version=2023-05-01"


def test_an_approved_connection_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    arm = FakeArm([[_connection("adf-x.mpe-lake-dfs", "Approved")]])
    monkeypatch.setattr(endpoint_approval, "_arm", arm)
    approve(LAKE, "adf-x.mpe-lake-dfs", timeout_seconds=0, poll_seconds=0)
    assert [call[0] for call in arm.calls] == ["GET"]


def test_the_approval_waits_until_adf_has_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    arm = FakeArm([[], [], [_connection("adf-x.mpe-lake-dfs", "Pending")]])
    monkeypatch.setattr(endpoint_approval, "_arm", arm)
    approve(LAKE, "adf-x.mpe-lake-dfs", timeout_seconds=60, poll_seconds=0)
    assert [call[0] for call in arm.calls] == ["GET", "GET", "GET", "PUT"]


def test_a_missing_connection_fails_at_the_deadline_listing_what_it_saw(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(endpoint_approval, "_arm", FakeArm([[_connection("someone-else", "Pending")]]))
    with pytest.raises(ApprovalError, match=r"connections seen: .*/privateEndpoints/someone-else"):
        approve(LAKE, "adf-x.mpe-lake-dfs", timeout_seconds=0, poll_seconds=0)


def test_a_rejected_connection_is_not_silently_reapproved(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(endpoint_approval, "_arm", FakeArm([[_connection("adf-x.mpe-sql", "Rejected")]]))
    with pytest.raises(ApprovalError, match="is Rejected"):
        approve(LAKE, "adf-x.mpe-sql", timeout_seconds=0, poll_seconds=0)


def test_each_target_provider_has_its_api_version() -> None:
    assert (
        endpoint_approval.api_version("/subscriptions/s/resourceGroups/r/providers/Microsoft.Sql/servers/x")
        == "2021-11-01"
    )
    with pytest.raises(ApprovalError, match=r"provider 'microsoft\.cosmos' unknown"):
        endpoint_approval.api_version("/subscriptions/s/resourceGroups/r/providers/Microsoft.Cosmos/x/y")
