"""The host-keys read: which answers it waits on, how long, and that the key never reaches a message."""

from __future__ import annotations

import json
from collections.abc import Callable

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
from tests.support.component_plan import build, only

APP_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/func"
URL = keys_url("https://arm.example", APP_ID)
KEY = "dGhlLWRlZmF1bHQta2V5LXZhbHVl"
NOT_STARTED = Answer(
    400, json.dumps({"Code": "BadRequest", "Message": "Encountered an error (ServiceUnavailable) from host runtime."})
)


def ok(key: str = KEY) -> Answer:
    return Answer(200, json.dumps({"masterKey": "m-" + key, "functionKeys": {"default": key}}))


class Clock:
    """A fake clock that sleeps by moving forward."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def scripted(*answers: Answer) -> tuple[Callable[[str, str], Answer], list[tuple[str, str]]]:
    """A POST answering these in order, the last repeating; and the (url, token) pairs it got."""
    calls: list[tuple[str, str]] = []
    remaining = list(answers)

    def post(url: str, token: str) -> Answer:
        calls.append((url, token))
        return remaining.pop(0) if len(remaining) > 1 else remaining[0]

    return post, calls


def read(post: Callable[[str, str], Answer], clock: Clock, timeout: float = 100.0) -> tuple[str, int]:
    return read_function_key(
        URL,
        timeout_seconds=timeout,
        backoff_seconds=(1.0, 2.0, 4.0),
        post=post,
        token=lambda scope: f"token-for:{scope}",
        sleep=clock.sleep,
        clock=clock,
    )


def test_the_url_is_the_list_host_keys_action_of_the_app() -> None:
    assert URL == (
        "https://arm.example/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/func"
        "/host/default/listkeys?api-version=2025-05-01"
    )
    assert keys_url("http://127.0.0.1:5/", APP_ID, "2024-04-01").startswith("http://127.0.0.1:5/subscriptions/s/")


def test_a_running_host_answers_at_once_with_an_arm_token() -> None:
    post, calls = scripted(ok())
    clock = Clock()
    assert read(post, clock) == (KEY, 1)
    assert calls == [(URL, "token-for:https://management.azure.com/.default")]
    assert clock.sleeps == []


def test_a_starting_host_is_waited_on_with_growing_pauses() -> None:
    post, calls = scripted(NOT_STARTED, Answer(503, "Function host is not running."), NOT_STARTED, NOT_STARTED, ok())
    clock = Clock()
    assert read(post, clock) == (KEY, 5)
    assert clock.sleeps == [1.0, 2.0, 4.0, 4.0]
    assert len(calls) == 5


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
def test_answers_waiting_cannot_fix_fail_at_once(answer: Answer) -> None:
    assert not host_not_ready(answer)
    post, calls = scripted(answer, ok())
    clock = Clock()
    with pytest.raises(HostKeysError, match=f"HTTP {answer.status}"):
        read(post, clock)
    assert len(calls) == 1
    assert clock.sleeps == []


def test_the_wait_is_bounded_and_says_what_to_check() -> None:
    post, calls = scripted(NOT_STARTED)
    clock = Clock()
    with pytest.raises(HostKeysError) as info:
        read(post, clock, timeout=10.0)
    assert clock.now <= 10.0
    assert clock.sleeps == [1.0, 2.0, 4.0]
    assert len(calls) == 4
    message = str(info.value)
    assert "within 10 s" in message and "4 attempts" in message and "from host runtime" in message
    assert "Storage Blob Data Owner" in message


def test_a_host_without_a_default_key_fails_naming_keys_but_no_values() -> None:
    body = json.dumps({"masterKey": KEY, "functionKeys": {"factory": KEY}})
    post, _ = scripted(Answer(200, body))
    with pytest.raises(HostKeysError) as info:
        read(post, Clock())
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
