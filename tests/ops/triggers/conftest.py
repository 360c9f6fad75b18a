"""Fixtures of the `ops triggers` tests: the CLI pointed at the fake ARM, signed in, and a fake `pulumi`."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.arm_server import FACTORY, RESOURCE_GROUP, SUBSCRIPTION, ArmServer, FakeCredential
from tests.support.fake_pulumi import fake_pulumi
from tests.support.triggers_cli import Cli, triggers_cli


@pytest.fixture
def credential(monkeypatch: pytest.MonkeyPatch, tls: tuple[Path, Path], tmp_path: Path) -> FakeCredential:
    """The CLI signs in with the fake credential and trusts the fake's certificate; it runs in a project of its
    own (a Pulumi.yaml in tmp, where `pulumi stack output` runs), so state files land in tmp."""
    fake = FakeCredential()
    monkeypatch.setattr("ops.factory.make_credential", lambda: fake)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls[0]))
    (tmp_path / "Pulumi.yaml").write_text("name: data-platform\nruntime: python\n")
    monkeypatch.chdir(tmp_path)
    return fake


@pytest.fixture
def cli(server: ArmServer, credential: FakeCredential) -> Cli:
    """`triggers <argv>` for stack dev, pointed at the fake factory."""

    def run(*argv: str, coordinates: bool = True) -> int:
        where = ["--subscription", SUBSCRIPTION, "--resource-group", RESOURCE_GROUP, "--factory", FACTORY]
        extra = [*(where if coordinates else []), "--endpoint", server.endpoint, "--poll-seconds", "0"]
        return triggers_cli([argv[0], "--stack", "dev", *extra, *argv[1:]])

    return run


@pytest.fixture
def pulumi(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., Path]:
    """Put a fake `pulumi` on PATH that prints `outputs` (or runs `script`); returns the log of its calls."""
    calls = tmp_path / "pulumi-calls"

    def install(outputs: dict[str, Any] | None = None, script: str | None = None) -> Path:
        body = script if script is not None else f"cat <<'JSON'\n{json.dumps(outputs)}\nJSON\n"
        fake_pulumi(tmp_path / "bin", f'echo "$PWD $*" >> {calls}\n{body}')
        monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
        return calls

    return install
