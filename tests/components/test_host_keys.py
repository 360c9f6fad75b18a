"""The host-keys read: which answers it waits on, how long, and that the key never reaches a message."""

from __future__ import annotations

import json

import pulumi
import pytest

from components.host_keys import (
    Answer,
    HostKeys,
    HostKeysError,
    default_function_key,
    host_not_ready,
    keys_url,
    read_function_key,
)
from preview.mocks import SECRET
from tests.support.azure_standin import AzureStandIn, Reply, Seen, StandInCredential, listkeys_path, token_for
from tests.support.component_plan import build, only
from tests.support.fake_time import FakeTime

APP_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/func"
URL = keys_url("https://arm.example", APP_ID)
KEY = "dGhlLWRlZmF1bHQta2V5LXZhbHVl"
NOT_STARTED = Answer(
    400, json.dumps({"Code": "BadRequest", "Message": "Encountered an error (ServiceUnavailable) from host runtime."})
)


def ok(key: str = KEY) -> Answer:
    return Answer(200, json.dumps({"masterKey": "m-" + key, "functionKeys": {"default": key}}))


def read(
    standin: AzureStandIn, case: str, *replies: Reply, timeout: float = 300.0, time: FakeTime | None = None
) -> tuple[str, int]:
    """Read the key of an app whose listkeys answers these replies, the last repeating, with ARM stood in for; on
    virtual time, so its pauses (5 s, then 10 s) pass at once."""
    app = f"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/func-unit-{case}"
    standin.script("POST", listkeys_path(app), *replies)
    time = time or FakeTime()
    return read_function_key(
        keys_url(standin.url, app),
        timeout_seconds=timeout,
        backoff_seconds=(5.0, 10.0),
        credential=StandInCredential(),
        clock=time,
        transport=time.transport(),
    )


def posts(standin: AzureStandIn, case: str) -> list[Seen]:
    return standin.requests(
        "POST", listkeys_path(f"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/func-unit-{case}")
    )


def reply(answer: Answer) -> Reply:
    return Reply(answer.status, answer.text.encode())


def test_the_url_is_the_list_host_keys_action_of_the_app() -> None:
    assert URL == (
        "https://arm.example/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/func"
        "/host/default/listkeys?api-version=2025-05-01"
    )
    assert keys_url("http://127.0.0.1:5/", APP_ID, "2024-04-01").startswith("http://127.0.0.1:5/subscriptions/s/")


def test_a_running_host_answers_at_once_with_an_arm_token(standin: AzureStandIn) -> None:
    assert read(standin, "running", reply(ok())) == (KEY, 1)
    (seen,) = posts(standin, "running")
    assert seen.headers["Authorization"] == f"Bearer {token_for('https://management.azure.com')}"
    assert seen.query["api-version"] == ["2025-05-01"]


def test_a_starting_host_is_waited_on(standin: AzureStandIn) -> None:
    replies = [reply(NOT_STARTED), Reply(503, b"Function host is not running."), reply(NOT_STARTED), reply(ok())]
    time = FakeTime()
    assert read(standin, "starting", *replies, time=time) == (KEY, 4)
    assert len(posts(standin, "starting")) == 4
    assert time.sleeps == [5.0, 10.0, 10.0], "the backoff's last pause repeats"


@pytest.mark.parametrize(
    "answer",
    [
        NOT_STARTED,
        Answer(400, '{"Code":"BadRequest","Message":"Encountered an error (InternalServerError) from host runtime."}'),
        Answer(404, '{"error":{"code":"NotFound","message":"Encountered an error (NotFound) from host runtime."}}'),
        Answer(409, "Function host is not running."),
        Answer(429, ""),
        Answer(500, ""),
        Answer(502, "Bad Gateway"),
    ],
)
def test_answers_of_a_starting_host_are_retried(answer: Answer) -> None:
    assert host_not_ready(answer)


@pytest.mark.parametrize(
    "answer",
    [
        Answer(401, '{"error":{"code":"InvalidAuthenticationToken","message":"from host runtime"}}'),
        Answer(403, '{"error":{"code":"AuthorizationFailed","message":"host is not running"}}'),
        Answer(400, '{"error":{"code":"InvalidApiVersionParameter","message":"The api-version is invalid."}}'),
        Answer(404, '{"error":{"code":"ResourceNotFound","message":"The Resource was not found."}}'),
        Answer(409, '{"error":{"code":"Conflict","message":"The site is stopped."}}'),
    ],
)
def test_answers_waiting_cannot_fix_fail_at_once(standin: AzureStandIn, answer: Answer) -> None:
    assert not host_not_ready(answer)
    case = f"final-{answer.status}-{len(answer.text)}"
    with pytest.raises(HostKeysError, match=f"HTTP {answer.status}"):
        read(standin, case, reply(answer), reply(ok()))
    assert len(posts(standin, case)) == 1


def test_the_wait_is_bounded_and_says_what_to_check(standin: AzureStandIn) -> None:
    with pytest.raises(HostKeysError) as info:
        read(standin, "never", reply(NOT_STARTED), timeout=60.0)
    message = str(info.value)
    assert "within 60 s (7 attempts" in message and "from host runtime" in message
    assert "Storage Blob Data Owner" in message and "blob, queue and table private endpoints" in message
    assert len(posts(standin, "never")) == 7, "pauses of 5 s, then 10 s: 55 s, and the next would end past 60 s"


def test_a_host_without_a_default_key_fails_naming_keys_but_no_values(standin: AzureStandIn) -> None:
    body = json.dumps({"masterKey": KEY, "functionKeys": {"factory": KEY}})
    with pytest.raises(HostKeysError) as info:
        read(standin, "no-default", Reply(200, body.encode()))
    assert "function keys: factory" in str(info.value)
    assert KEY not in str(info.value)


@pytest.mark.parametrize("text", ["not json", "[]", '{"functionKeys": null}', '{"functionKeys": {"default": ""}}'])
def test_a_malformed_success_never_echoes_its_body(text: str) -> None:
    with pytest.raises(HostKeysError) as info:
        default_function_key(text + KEY if text == "not json" else text)
    assert KEY not in str(info.value)


def test_under_the_mocks_the_key_is_a_secret_derived_from_the_app() -> None:
    seen: list[str] = []

    def program() -> None:
        keys = HostKeys("keys", app_id=APP_ID)
        keys.function_key.apply(seen.append)
        pulumi.CustomResource("test:index:Consumer", "consumer", {"value": keys.function_key})

    registrations = build(program)
    keys = only(registrations, "pulumi-python:dynamic:Resource")
    assert keys.inputs["app_id"] == APP_ID
    assert keys.inputs["kind"] == "function-host-keys"
    assert "function_key" not in keys.inputs
    assert only(registrations, "test:index:Consumer").inputs["value"] == SECRET
    (key,) = seen
    assert len(key) == 64 and int(key, 16) >= 0
