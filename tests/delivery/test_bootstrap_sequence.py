"""The one bootstrap sequence in the README: each `python -m ops` command in it runs here (offline, or against local
servers), and each `pulumi` and `az` line is one the pipeline runs, in the pipeline's order."""

from __future__ import annotations

import json
import os
import re
import shlex
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from delivery.pipeline import compile_pipeline, read_files
from delivery.stages import CommandKind, command_lines, deploy_sequence
from ops import sql
from ops.cli.main import main as ops_main
from tests.support.arm_server import FACTORY, RESOURCE_GROUP, SUBSCRIPTION, ArmServer, FakeCredential, make_certificate
from tests.support.azure_pipelines.reading import script, stage_steps
from tests.support.checkout import PROJECT_DIR
from tests.support.fake_pulumi import fake_pulumi
from tests.support.sql_database import FakeDatabase

HEADING = "#### From an empty subscription to a running private stack"
STACK = "test"
PLACEHOLDER = re.compile(r"<[a-z-]+>")
VARIABLE = re.compile(r"\$\(?\{?[A-Za-z_][\w.]*\)?\}?")
"""A shell or pipeline variable: the pipeline's value is known only when it runs."""


OUTPUTS: dict[str, Any] = {
    "subscription_id": SUBSCRIPTION,
    "resource_group_name": RESOURCE_GROUP,
    "factory_name": FACTORY,
    "enabled_triggers": ["TR_Hourly"],
    "sql_server_fqdn": "sql-konnektmack-test-weu-abcd.database.windows.net",
    "sql_database_name": "sqldb-konnektmack-test",
}
"""What the deployed test stack's outputs say, as `pulumi stack output --json` prints them."""


def sequence_lines(readme: str) -> list[str]:
    """The commands of the README's bootstrap block: the first bash block after its heading, comments left out."""
    after = readme.split(HEADING, 1)[1]
    block = after.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return sequence_lines((PROJECT_DIR / "README.md").read_text(encoding="utf-8"))


def shape(line: str) -> tuple[list[str], dict[str, str | None]]:
    """The words before the first flag, and each flag with its value (None for a switch)."""
    words = shlex.split(line)
    first = next((i for i, word in enumerate(words) if word.startswith("--")), len(words))
    flags: dict[str, str | None] = {}
    for i, word in enumerate(words[first:], start=first):
        if word.startswith("--"):
            following = words[i + 1] if i + 1 < len(words) else None
            flags[word] = following if following is not None and not following.startswith("--") else None
    return words[:first], flags


def value_matches(documented: str | None, run: str | None) -> bool:
    if documented is None or run is None:
        return documented is run
    if VARIABLE.fullmatch(run):
        return True
    pattern = "".join(
        ".+" if PLACEHOLDER.fullmatch(part) else re.escape(part) for part in re.split(r"(<[a-z-]+>)", documented)
    )
    return re.fullmatch(pattern, run) is not None


def matches(documented: str, run: str) -> bool:
    """The pipeline's command is the documented one: the same command, the same flags, the same literal values."""
    (doc_words, doc_flags), (run_words, run_flags) = shape(documented), shape(run)
    return (
        doc_words == run_words
        and set(doc_flags) == set(run_flags)
        and all(value_matches(value, run_flags[flag]) for flag, value in doc_flags.items())
    )


def pipeline_commands() -> list[tuple[str, CommandKind, str]]:
    """(stage, kind, line) of every command the pipeline runs for the documented stack, in order."""
    return [
        (s.name, c.kind, c.line)
        for s in deploy_sequence(compile_pipeline(read_files(PROJECT_DIR)))
        if s.stack == STACK
        for c in s.commands
    ]


def test_the_block_holds_only_commands_the_tests_check(lines: list[str]) -> None:
    assert lines, "the README has no bootstrap block"
    assert [line for line in lines if not line.startswith(("python -m ops ", "pulumi ", "az "))] == []


def test_every_pulumi_az_and_deploy_ops_line_is_a_pipeline_command_in_the_pipelines_order(lines: list[str]) -> None:
    run = pipeline_commands()
    position = 0
    matched: list[tuple[str, CommandKind, str]] = []
    for line in lines:
        if line.startswith(("python -m ops plan", "python -m ops rehearse")) and "--from" not in line:
            continue  # the validate stage's offline plans and the offline rehearsal, run below
        found = next((i for i in range(position, len(run)) if matches(line, run[i][2])), None)
        assert found is not None, (
            f"not run by the pipeline after {run[position - 1][0] if position else 'the start'}: {line}"
        )
        matched.append(run[found])
        position = found + 1
    kinds = (CommandKind.TRANSITIONS, CommandKind.PULUMI_PREVIEW, CommandKind.PULUMI_UP)
    assert [entry for entry in run if entry[1] in kinds and entry not in matched] == [], (
        "a Pulumi command or a transitions check of the pipeline is not documented"
    )


@pytest.mark.parametrize(
    ("documented", "run", "expected"),
    [
        ("pulumi up --yes --stack <organization>/x/test", 'pulumi up --yes --stack "$(pulumiStack)"', True),
        ("pulumi up --cwd foundation --yes", "pulumi up --cwd . --yes", False),
        ("pulumi up --yes", "pulumi up --yes --plan p", False),
        (
            "pulumi preview --policy-pack <repository>/policy",
            'pulumi preview --policy-pack "$(Build.SourcesDirectory)/policy"',
            True,
        ),
        ("pulumi preview --policy-pack <repository>/policy", "pulumi preview --policy-pack policy", False),
        (
            "az provider register --namespace <namespace> --wait",
            'az provider register --namespace "$namespace" --wait',
            True,
        ),
    ],
)
def test_the_matching_holds_flags_and_literal_values(documented: str, run: str, expected: bool) -> None:
    assert matches(documented, run) is expected


# --- running the documented `python -m ops` commands --------------------------------------------------------------


@pytest.fixture
def arm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArmServer]:
    with ArmServer(*make_certificate(tmp_path_factory.mktemp("tls"))) as server:
        yield server


@pytest.fixture
def deployed(arm: ArmServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[[list[str]], list[str]]:
    """The documented stack deployed: its factory on the local ARM server, its outputs from a stand-in `pulumi`;
    returns the plumbing a triggers command needs to reach that server."""
    credential = FakeCredential()
    monkeypatch.setattr("ops.factory.make_credential", lambda: credential)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(arm.cert))
    fake_pulumi(tmp_path / "bin", f"cat <<'JSON'\n{json.dumps(OUTPUTS)}\nJSON\n")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    arm.add_trigger("TR_Hourly", runtime_state="Started")

    def plumbing(argv: list[str]) -> list[str]:
        return [*argv, "--endpoint", arm.endpoint, "--poll-seconds", "0.01"]

    return plumbing


def documented(lines: list[str], start: str, tmp_path: Path) -> list[str]:
    """The one documented `python -m ops` command that starts with `start`, as argv after `python -m ops`."""
    (line,) = [line for line in lines if line.startswith(start)]
    return [str(tmp_path / "state.json") if PLACEHOLDER.fullmatch(word) else word for word in shlex.split(line)[3:]]


def test_the_documented_offline_plans_pass_and_the_transitions_checks_pass_from_what_they_print(
    lines: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Each documented offline plan is one the validate stage runs (with `--json`, its artifact), and passes; each
    `--from` line reads what that plan printed (the envelope) for the release it checks, and passes: a release
    against itself changes nothing. One run of each plan serves both, as in the pipeline."""
    monkeypatch.chdir(PROJECT_DIR)  # `--project-dir foundation` is relative to the checkout, as in the pipeline
    plans = [line for line in lines if line.startswith("python -m ops plan") and "--from" not in line]
    assert plans == ["python -m ops plan --stack test --project-dir foundation", "python -m ops plan --stack test"]
    pipeline = compile_pipeline(read_files(PROJECT_DIR))
    validate = [
        command.replace('"$s"', STACK)
        for step in stage_steps(pipeline, "validate")
        for command in command_lines(script(step))
        if command.startswith("python -m ops plan")
    ]
    checks = [line for line in lines if line.startswith("python -m ops plan") and "--from" in line]
    assert [shape(line)[1]["--project-dir"] for line in checks] == ["foundation", "."]
    for line, check in zip(plans, checks, strict=True):
        project = shape(line)[1].get("--project-dir") or "."
        assert (shape(check)[1]["--project-dir"] or ".") == project
        (written,) = [c for c in validate if (shape(c)[1].get("--project-dir") or ".") == project]
        assert matches(f"{line} --json", written), (line, written)
        assert ops_main(shlex.split(written)[3:]) == 0, written
        previous = tmp_path / f"plan-{project.strip('.') or 'platform'}.json"
        previous.write_text(capsys.readouterr().out)
        argv = [str(previous) if word == "<plan>" else word for word in shlex.split(check)[3:]]
        assert ops_main(argv) == 0, check
        assert f"transitions from {previous}: 0 refused, 0 replaced" in capsys.readouterr().err


def test_the_documented_rehearsal_replays_the_pipelines_stages_and_passes(
    lines: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(PROJECT_DIR)
    rehearsals = [line for line in lines if line.startswith("python -m ops rehearse")]
    assert rehearsals == ["python -m ops rehearse --stack test"]
    assert ops_main(shlex.split(rehearsals[0])[3:]) == 0
    replayed = [line.split(":")[0].removeprefix("stage ") for line in capsys.readouterr().out.splitlines()]
    run = list(dict.fromkeys(stage for stage, _kind, _line in pipeline_commands()))
    assert [line for line in replayed if line in run] == run


def test_the_documented_trigger_commands_stop_then_start_the_stacks_triggers(
    lines: list[str],
    arm: ArmServer,
    deployed: Callable[[list[str]], list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(PROJECT_DIR)  # the pipeline runs the documented commands in the checkout
    assert ops_main(deployed(documented(lines, "python -m ops triggers stop", tmp_path))) == 0
    assert arm.started() == []
    assert json.loads((tmp_path / "state.json").read_text())["started"] == ["TR_Hourly"]
    assert ops_main(deployed(documented(lines, "python -m ops triggers start", tmp_path))) == 0
    assert arm.started() == ["TR_Hourly"]


def test_the_documented_sql_command_applies_the_scripts(
    lines: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = FakeDatabase()
    monkeypatch.setattr(sql, "connect", database.connect)
    monkeypatch.setattr("ops.stack_outputs.stack_outputs", lambda stack, project_dir: dict(OUTPUTS))
    monkeypatch.setattr(sql, "factory_client_id", lambda factory: "00112233-4455-6677-8899-aabbccddeeff")
    assert ops_main([*documented(lines, "python -m ops sql apply", tmp_path), "--project-dir", str(PROJECT_DIR)]) == 0
    assert database.connected == [("sql-konnektmack-test-weu-abcd.database.windows.net", "sqldb-konnektmack-test")]
    assert any("CREATE USER" in statement for statement in database.executed)


def test_the_networking_doc_points_to_the_one_sequence_instead_of_holding_another() -> None:
    doc = (PROJECT_DIR / "docs" / "networking.md").read_text(encoding="utf-8")
    assert 'README "Deploying" ("From an empty subscription to a running private stack")' in " ".join(doc.split())
    assert not re.search(r"^\s*(pulumi (up|preview)|az provider|python -m ops)\b", doc, re.MULTILINE)
    assert "--target" not in doc and "agentPoolName" not in doc
