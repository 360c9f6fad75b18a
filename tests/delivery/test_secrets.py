"""No credential in plain text anywhere in the pipeline; the Pulumi token only through `env:`."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from delivery.pipeline import PIPELINE, TEMPLATE_DIR, Files, compile_pipeline
from tests.support.azure_pipelines.checks_secrets import LITERAL_SECRETS, secret_problems
from tests.support.azure_pipelines.expectations import ROOT
from tests.support.azure_pipelines.reading import dicts, strings


def test_no_secret_in_plain_text(files: Files, pipeline: dict[str, Any]) -> None:
    assert secret_problems(files, pipeline) == []


def test_no_credential_shaped_text_even_in_comments() -> None:
    for path in [ROOT / PIPELINE, *sorted((ROOT / TEMPLATE_DIR).glob("*.yml"))]:
        text = path.read_text(encoding="utf-8")
        found = [what for what, pattern in LITERAL_SECRETS.items() if pattern.search(text)]
        assert not found, f"{path.name}: {found}"


def test_pulumi_access_token_only_through_env(files: Files) -> None:
    for path, document in files.items():
        for text in strings(document):
            assert "pulumiAccessToken)" not in text or text == "$(pulumiAccessToken)", f"{path}: token in a script"
    mapped = [n["env"]["PULUMI_ACCESS_TOKEN"] for n in dicts(files) if "PULUMI_ACCESS_TOKEN" in n.get("env", {})]
    assert mapped and set(mapped) == {"$(pulumiAccessToken)"}


def _fake(*parts: str) -> str:
    """A credential-shaped value, assembled so that this file holds no credential-shaped literal."""
    return "".join(parts)


def _deploy_template_steps(files: Files) -> list[dict[str, Any]]:
    deploy = files[f"{TEMPLATE_DIR}/deploy-stage.yml"]["stages"][-1]["jobs"][0]
    return list(deploy["strategy"]["runOnce"]["deploy"]["steps"])


def _append_to_deploy_script(line: str) -> Callable[[Files], None]:
    def mutate(files: Files) -> None:
        _deploy_template_steps(files)[-1]["parameters"]["script"] += line + "\n"

    return mutate


def _set_env(files: Files) -> None:
    files[PIPELINE]["stages"][0]["jobs"][0]["steps"][-1]["env"] = {"PULUMI_ACCESS_TOKEN": "literal-value"}


SECRET_MUTATIONS: dict[str, Callable[[Files], None]] = {
    "Pulumi token": _append_to_deploy_script(
        "export PULUMI_ACCESS_TOKEN=" + _fake("pul-", "0123456789abcdef" * 2, "0123abcd")
    ),
    "storage connection string": _append_to_deploy_script(
        _fake("x='DefaultEndpoints", "Protocol=https;Account", "Key=abc'")
    ),
    "SAS URL": _append_to_deploy_script(_fake("curl 'https://x.blob.core.windows.net/c?sv=2024-01-01&s", "ig=abc'")),
    "JWT": _append_to_deploy_script(
        _fake("curl -H 'Authorization: Bearer ey", "JhbGciOiJSUzI1.ey", "JzdWIiOiIxMjM0.sig'")
    ),
    "password assignment": _append_to_deploy_script("SQL_PASSWORD=hunter2 python -m ops sql apply --stack test"),
    "secret literal in env": _set_env,
    "secret pipeline variable": lambda f: f[PIPELINE]["variables"].update(pulumiAccessToken="literal-value"),
}


@pytest.mark.parametrize("mutation", list(SECRET_MUTATIONS))
def test_secret_check_catches_a_literal(files: Files, mutation: str) -> None:
    broken = copy.deepcopy(files)
    SECRET_MUTATIONS[mutation](broken)
    assert secret_problems(broken, compile_pipeline(broken)), f"{mutation}: not detected"
