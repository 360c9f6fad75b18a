"""The fake ARM the trigger tests run against keeps ARM's contract: bearer tokens, LROs the SDK's poller follows."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ops.factory import connect
from tests.support.arm_server import (
    FACTORY,
    RESOURCE_GROUP,
    ArmServer,
    FakeCredential,
)


def test_the_fake_refuses_requests_without_a_bearer_token(server: ArmServer, tls: tuple[Path, Path]) -> None:
    url = f"{server.endpoint}{server.coordinates.resource_id}/triggers?api-version=2018-06-01"
    context = ssl.create_default_context(cafile=str(tls[0]))
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(url, context=context)
    assert info.value.code == 401
    assert json.loads(info.value.read())["error"]["code"] == "AuthenticationFailed"


def test_the_subscribe_operation_is_an_lro_the_sdks_poller_follows(server: ArmServer, tls: tuple[Path, Path]) -> None:
    server.add_trigger("TR_Landing", type="BlobEventsTrigger", provisioning_reads=3)
    with connect(
        server.coordinates,
        credential=FakeCredential(),
        endpoint=server.endpoint,
        polling_interval=0,
        connection_verify=str(tls[0]),
        retry_total=0,
    ) as factory:
        poller = factory.client.triggers.begin_subscribe_to_events(RESOURCE_GROUP, FACTORY, "TR_Landing")
        assert poller.result().status == "Enabled"
    polls = server.actions("GET operationResults/")
    assert len(polls) == 3, "202 while Provisioning, then 200 with the status"
