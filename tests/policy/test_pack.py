"""The pack itself: built by policy/__main__.py, served through pulumi_policy's analyzer and as a process."""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import runpy
import select
import subprocess
import sys
from typing import Any

import grpc
import pulumi_policy
import pytest
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime import proto
from pulumi.runtime.proto import analyzer_pb2_grpc
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy
from pulumi_policy.policy import _PolicyAnalyzerServicer

from policy.rules import PACK_NAME, RULE_NAMES, RULES, build_policies
from policy.settings import POLICY_KEY, from_pulumi_runtime, settings_from_config
from preview.mocks import Registration
from preview.plan import Plan
from preview.view import PlanView
from stack.config import ConfigError
from tests.policy.fixtures import LAKE, LOWERED, VAULT, reg_named, stack_config, stack_values, without
from tests.support.checkout import PROJECT_DIR


def test_importing_the_package_never_constructs_a_pack(monkeypatch: pytest.MonkeyPatch, dev: Plan) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("PolicyPack constructed")

    monkeypatch.setattr(pulumi_policy.PolicyPack, "__init__", refuse)
    for module in [m for m in sys.modules if m == "policy" or m.startswith("policy.")]:
        monkeypatch.delitem(sys.modules, module)
    for module in ("policy", "policy.values", "policy.settings", "policy.rules", "policy.offline"):
        importlib.import_module(module)
    offline = importlib.import_module("policy.offline")
    assert offline.check(PlanView.of_registrations(dev.resources, config=stack_config("dev"))) == []


class _Recorder:
    packs: list[dict[str, Any]] = []  # noqa: RUF012 - a test double's class-level log

    def __init__(self, **kwargs: Any) -> None:
        _Recorder.packs.append(kwargs)


def _run_main(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    _Recorder.packs = []
    monkeypatch.setattr(pulumi_policy, "PolicyPack", _Recorder)
    runpy.run_path(str(PROJECT_DIR / "policy" / "__main__.py"), run_name="__main__")
    assert len(_Recorder.packs) == 1
    return _Recorder.packs[0]


def test_main_constructs_the_pack_with_every_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PULUMI_CONFIG", raising=False)
    pack = _run_main(monkeypatch)
    assert pack["name"] == PACK_NAME
    assert pack["enforcement_level"] == EnforcementLevel.MANDATORY
    assert [p.name for p in pack["policies"]] == list(RULE_NAMES)
    for policy, rule in zip(pack["policies"], RULES, strict=True):
        expected = ResourceValidationPolicy if rule.kind == "resource" else StackValidationPolicy
        assert isinstance(policy, expected)
        assert policy.enforcement_level == EnforcementLevel.MANDATORY
        assert policy.description == rule.description


def test_main_reads_the_stack_config_pulumi_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    values = stack_values(
        "prod",
        **{
            POLICY_KEY: LOWERED,
            "data-platform:dataFactory": {"publicNetworkAccess": False, "triggerStartTime": "2026-12-01T00:00:00Z"},
        },
    )
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(values))
    pack = _run_main(monkeypatch)
    levels = {p.name: p.enforcement_level for p in pack["policies"]}
    assert levels["storage-https-only"] == EnforcementLevel.ADVISORY
    assert levels["keyvault-rbac-authorization"] == EnforcementLevel.MANDATORY
    settings = from_pulumi_runtime()
    assert (settings.environment, settings.data_factory_public_network_access) == ("prod", False)


def test_pack_refuses_a_stack_config_the_program_would_refuse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(stack_values("prod", **{"data-platform:environment": "staging"})))
    with pytest.raises(ConfigError, match="data-platform:environment"):
        from_pulumi_runtime()


def test_pack_without_this_projects_config_derives_nothing_from_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"other-project:environment": "prod"}))
    settings = from_pulumi_runtime()
    assert (settings.environment, settings.data_factory_public_network_access, settings.overrides) == (None, None, {})


# ------------------------------------------------------------------ through pulumi_policy's own analyzer


_UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
_SIG_KEY = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


def _wire(value: Any) -> Any:
    """Offline inputs as the engine sends them: unknowns as sentinels, secrets wrapped around a plain value."""
    if value == "[unknown]":
        return _UNKNOWN_STRING
    if value == "[secret]":
        return {_SIG_KEY: _SECRET_SIG, "value": "decrypted-secret-value"}
    if isinstance(value, dict):
        return {k: _wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_wire(v) for v in value]
    return value


def _struct(inputs: dict[str, Any]) -> struct_pb2.Struct:
    return json_format.ParseDict(_wire(inputs), struct_pb2.Struct())


def _servicer(stack: str) -> _PolicyAnalyzerServicer:
    settings = settings_from_config(stack_config(stack), secrets_masked=False)
    return _PolicyAnalyzerServicer(PACK_NAME, "0.0.1", build_policies(settings), EnforcementLevel.MANDATORY)


def _analyze(servicer: _PolicyAnalyzerServicer, reg: Registration) -> list[Any]:
    request = proto.AnalyzeRequest(
        urn=reg.urn,
        type=reg.type,
        name=reg.name,
        properties=_struct(reg.inputs),
        options=proto.AnalyzerResourceOptions(protect=reg.protect),
    )
    return list(servicer.Analyze(request, None).diagnostics)


def _analyze_stack(servicer: _PolicyAnalyzerServicer, regs: list[Registration]) -> list[Any]:
    resources = [
        proto.AnalyzerResource(
            urn=reg.urn,
            type=reg.type,
            name=reg.name,
            properties=_struct(reg.inputs),
            options=proto.AnalyzerResourceOptions(protect=reg.protect),
            parent=reg.parent or "",
            dependencies=reg.depends_on,
        )
        for reg in regs
    ]
    return list(servicer.AnalyzeStack(proto.AnalyzeStackRequest(resources=resources), None).diagnostics)


def test_real_analyzer_passes_prod_with_decrypted_secrets(prod: Plan) -> None:
    servicer = _servicer("prod")
    assert [d.message for reg in prod.resources for d in _analyze(servicer, reg)] == []
    assert [d.message for d in _analyze_stack(servicer, prod.resources)] == []


def test_real_analyzer_reports_violations_and_skips_unknowns(prod: Plan) -> None:
    servicer = _servicer("prod")
    lake = reg_named(prod, LAKE)
    broken = dataclasses.replace(lake, inputs={**lake.inputs, "enableHttpsTrafficOnly": False})
    diagnostics = _analyze(servicer, broken)
    assert [(d.policyName, d.enforcementLevel) for d in diagnostics] == [("storage-https-only", proto.MANDATORY)]
    assert "enableHttpsTrafficOnly is False; it must be true" in diagnostics[0].message

    unknown = dataclasses.replace(broken, inputs={**broken.inputs, "enableHttpsTrafficOnly": "[unknown]"})
    assert _analyze(servicer, unknown) == []

    regs = without(prod, "platform-lake-lock")
    diagnostics = _analyze_stack(servicer, regs)
    assert [(d.policyName, d.urn) for d in diagnostics] == [("prod-stateful-locked", reg_named(prod, LAKE).urn)]


def test_pack_process_serves_the_rules_as_pulumi_starts_it(prod: Plan) -> None:
    """`python -u -m pulumi.policy <engine> .` in policy/, as Pulumi's policy-python shim runs it."""
    values = stack_values("prod", **{POLICY_KEY: LOWERED})
    env = {**os.environ, "PULUMI_CONFIG": json.dumps(values)}
    env.pop("PYTHONPATH", None)
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", "."],
        cwd=PROJECT_DIR / "policy",
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 60)
        assert ready, "the pack did not print its port within 60 s"
        port = process.stdout.readline().strip()
        assert port.isdigit(), (port, process.stderr.read() if process.poll() is not None and process.stderr else "")
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = analyzer_pb2_grpc.AnalyzerStub(channel)
            info = stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)
            assert info.name == PACK_NAME
            levels = {p.name: p.enforcementLevel for p in info.policies}
            assert list(levels) == list(RULE_NAMES)
            assert levels["storage-https-only"] == proto.ADVISORY
            assert levels["storage-min-tls-1-2"] == proto.MANDATORY
            vault = reg_named(prod, VAULT)
            broken = dataclasses.replace(
                vault, inputs={**vault.inputs, "properties": {**vault.inputs["properties"], "enableSoftDelete": False}}
            )
            request = proto.AnalyzeRequest(
                urn=broken.urn, type=broken.type, name=broken.name, properties=_struct(broken.inputs)
            )
            diagnostics = stub.Analyze(request, timeout=30).diagnostics
            assert [(d.policyName, d.enforcementLevel) for d in diagnostics] == [
                ("keyvault-soft-delete", proto.MANDATORY)
            ]
    finally:
        process.terminate()
        process.wait(timeout=10)
