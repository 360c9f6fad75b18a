"""The command line as a whole: exit codes from one enum, one help style, --version, completion, the project
directory, the --json envelope of a failure, and Ctrl-C. Each command's own behaviour is tested beside it."""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from ops.cli import exit_codes, version
from ops.cli.common import SEE_MAIN_HELP
from ops.cli.exit_codes import ExitCode
from ops.cli.main import COMMANDS, build_parser, main
from preview.plan import copy_program
from stack.errors import AzureRefusedError, InputError, PlatformError, RunFailedError, TimedOutError
from stack.files import StackFileError
from tests.support.checkout import PROJECT_DIR
from tests.support.warm_process import WarmCli, checkout_env

PYPROJECT_VERSION = re.search(r'^version = "(.+)"$', (PROJECT_DIR / "pyproject.toml").read_text(), re.M)


# ---------------------------------------------------------------------------- exit codes


def test_each_exit_code_has_its_documented_value() -> None:
    assert {code.name: int(code) for code in ExitCode} == {
        "OK": 0,
        "BUG": 1,
        "INPUT": 2,
        "AZURE": 3,
        "TIMEOUT": 4,
        "RUN_FAILED": 5,
        "INTERRUPTED": 130,
    }


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (InputError("x"), ExitCode.INPUT),
        (StackFileError("x"), ExitCode.INPUT),
        (AzureRefusedError("x"), ExitCode.AZURE),
        (TimedOutError("x"), ExitCode.TIMEOUT),
        (RunFailedError("x"), ExitCode.RUN_FAILED),
        (PlatformError("x"), ExitCode.BUG),
        (ValueError("x"), ExitCode.BUG),
    ],
)
def test_each_kind_of_error_has_one_exit_code(error: Exception, code: ExitCode) -> None:
    assert exit_codes.for_error(error) is code


def test_no_two_codes_share_an_error_kind() -> None:
    kinds = [code.error for code in ExitCode if code.error is not None]
    assert len(kinds) == len(set(kinds)) == 4
    assert all(not issubclass(a, b) for a in kinds for b in kinds if a is not b)


def test_with_several_failures_the_lowest_code_wins() -> None:
    assert exit_codes.for_errors([]) is ExitCode.OK
    assert exit_codes.for_errors([TimedOutError("t"), AzureRefusedError("a")]) is ExitCode.AZURE
    assert exit_codes.for_errors([RunFailedError("r"), InputError("i"), TimedOutError("t")]) is ExitCode.INPUT


def test_the_table_has_one_entry_per_code_with_its_meaning() -> None:
    table = exit_codes.table()
    entries = re.findall(r"^  (\d+) +(.+)$", table, re.M)
    assert [int(value) for value, _ in entries] == [int(code) for code in ExitCode]
    for (_, first_line), code in zip(entries, ExitCode, strict=True):
        assert code.meaning.startswith(first_line)


def test_the_readme_shows_the_generated_table() -> None:
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    assert f"```\n{exit_codes.table()}\n```" in readme, "README's exit-code table differs from `python -m ops --help`"


# ---------------------------------------------------------------------------- help


def parsers(
    parser: argparse.ArgumentParser, path: str = "python -m ops"
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every parser of the command line, by its command path."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from parsers(sub, f"{path} {name}")


def test_the_exit_codes_and_the_envelope_are_explained_once_and_pointed_at_everywhere_else() -> None:
    everything = dict(parsers(build_parser()))
    top = everything.pop("python -m ops").format_help()
    assert top.count("exit codes:") == 1 and exit_codes.table() in top
    assert '"exitCode"' in top
    for path, parser in everything.items():
        text = parser.format_help()
        assert "exit codes:" not in text, path
        assert text.rstrip().endswith(SEE_MAIN_HELP), path
        assert parser.description, f"{path} has no description"


def test_every_option_of_every_command_is_documented() -> None:
    for path, parser in parsers(build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                assert all(choice.help for choice in action._choices_actions), path
            else:
                assert action.help and action.help != argparse.SUPPRESS, (
                    f"{path} {action.option_strings or action.dest}"
                )


def test_shared_options_read_the_same_everywhere() -> None:
    helps: dict[str, set[str]] = {}
    for _path, parser in parsers(build_parser()):
        for action in parser._actions:
            for option in action.option_strings:
                helps.setdefault(option, set()).add(str(action.help))
    for option in ("--stack", "--json", "--project-dir", "--subscription", "--endpoint"):
        assert len(helps[option]) == 1, f"{option} has {len(helps[option])} wordings: {helps[option]}"
    assert len([p for p, parser in parsers(build_parser()) if "--stack" in parser._option_string_actions]) == 9


def test_only_the_chosen_command_is_loaded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    loaded: list[str] = []
    real = __import__("importlib").import_module

    def spy(name: str, *args: Any) -> Any:
        loaded.append(name)
        return real(name, *args)

    monkeypatch.setattr("ops.cli.main.importlib.import_module", spy)
    build_parser("plan")
    assert loaded == ["ops.cli.plan"]
    loaded.clear()
    build_parser()
    assert loaded == [module for module, _ in COMMANDS.values()]
    loaded.clear()
    assert main(["--project-dir", str(tmp_path), "plan", "--stack", "dev"]) == 2  # no project there
    assert loaded == ["ops.cli.plan"], "the global option's value is not taken for the command"


def test_plan_imports_no_client_of_azure_sql_or_diagrams() -> None:
    clients = ("azure.core", "azure.mgmt.datafactory", "mssql_python", "diagrams", "rich", "argcomplete", "ops.sql")
    code = (
        "import sys; from ops.cli.main import build_parser; build_parser('plan').parse_args(['plan', '--stack', 'x']);"
        f"import ops.cli.plan, ops.plan; print(sorted(m for m in {clients!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_a_usage_error_is_an_input_error_reported_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "error: python -m ops plan: the following arguments are required: --stack (see `python -m ops plan --help`)\n"
    )
    assert main(["deploy"]) == 2
    assert "error: python -m ops: argument COMMAND: invalid choice: 'deploy'" in capsys.readouterr().err


def test_a_usage_error_under_json_is_an_envelope(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["adf", "check", "--json"]) == 2
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert (document["command"], document["ok"], document["exitCode"]) == ("adf", False, 2)
    (error,) = document["errors"]
    assert error["kind"] == "input" and "the following arguments are required: path" in error["message"]
    assert captured.err.startswith("error: python -m ops adf check: the following arguments are required: path")


# ---------------------------------------------------------------------------- --version


def test_version_is_pyprojects(capsys: pytest.CaptureFixture[str]) -> None:
    assert PYPROJECT_VERSION is not None
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"python -m ops {PYPROJECT_VERSION.group(1)}\n"


class FakeDistribution:
    def __init__(self, version: str, root: Path) -> None:
        self.version = version
        self.root = root

    def locate_file(self, path: str) -> Path:
        return self.root / path


def test_an_installed_copy_reports_its_metadata_and_a_stale_install_elsewhere_is_ignored(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert PYPROJECT_VERSION is not None
    monkeypatch.setattr(metadata, "distribution", lambda name: FakeDistribution("9.9.9", version.SOURCE_ROOT))
    assert version.project_version() == "9.9.9", "this code is the installed distribution: its metadata says"
    monkeypatch.setattr(metadata, "distribution", lambda name: FakeDistribution("0.0.1", tmp_path))
    assert version.project_version() == PYPROJECT_VERSION.group(1), "an install elsewhere is not this code"


# ---------------------------------------------------------------------------- completion


def test_the_marker_for_argcomplete_is_at_the_top_of_the_entry_point() -> None:
    head = (PROJECT_DIR / "ops" / "__main__.py").read_text(encoding="utf-8")[:1024]
    assert "PYTHON_ARGCOMPLETE_OK" in head


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("python -m ops tr", ["triggers"]),
        ("python -m ops triggers start --max", ["--max-backfill-windows"]),
        ("python -m ops plan --stack ", ["dev", "prod", "test"]),
    ],
)
def test_completion_answers_commands_options_and_stacks(
    tmp_path: Path, line: str, expected: list[str], warm_cli: WarmCli
) -> None:
    """`python -m ops` as the shell's completion runs it: the line so far in the environment (in a warm
    interpreter's child: the same entry point, without the start-up)."""
    answer = tmp_path / "completions"
    env = {
        "_ARGCOMPLETE": "3",  # the command starts after `python -m ops`, as argcomplete's global completion says
        "_ARGCOMPLETE_IFS": "\n",
        "_ARGCOMPLETE_STDOUT_FILENAME": str(answer),
        "COMP_LINE": line,
        "COMP_POINT": str(len(line)),
    }
    assert warm_cli.run(PROJECT_DIR, env=env, outputs=tmp_path).returncode == 0
    assert sorted(answer.read_text().split()) == expected


# ---------------------------------------------------------------------------- the project directory


def a_project(root: Path, *stacks: str) -> Path:
    """A project without a program: enough to see which project a command took, before planning anything."""
    root.mkdir(parents=True)
    (root / "Pulumi.yaml").write_text("name: data-platform\nruntime: python\n")
    for stack in stacks:
        (root / f"Pulumi.{stack}.yaml").write_text("config: {}\n")
    return root


def test_the_project_is_found_from_a_subdirectory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = a_project(tmp_path / "elsewhere", "alpha", "beta")
    (root / "docs" / "deep").mkdir(parents=True)
    monkeypatch.chdir(root / "docs" / "deep")
    assert main(["plan", "--stack", "nope"]) == 2
    assert "error: Pulumi.nope.yaml: no such stack file; stacks: alpha, beta" in capsys.readouterr().err


@pytest.mark.parametrize("where", ["before the command", "after the command"])
def test_project_dir_names_a_project_elsewhere(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = a_project(tmp_path / "project", "gamma")
    monkeypatch.chdir(a_project(tmp_path / "other", "delta"))
    option = ["--project-dir", str(root)]
    argv = (
        [*option, "plan", "--stack", "nope"] if where == "before the command" else ["plan", "--stack", "nope", *option]
    )
    assert main(argv) == 2
    assert "stacks: gamma" in capsys.readouterr().err


def test_without_a_project_the_error_says_where_it_looked_and_how_to_pass_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["plan", "--stack", "dev", "--json"]) == 2
    captured = capsys.readouterr()
    message = f"no Pulumi.yaml in {tmp_path.resolve()} or any directory above it"
    assert f"error: {message}; run from inside the project, or pass --project-dir" in captured.err
    document = json.loads(captured.out)
    assert document["errors"] == [
        {
            "kind": "input",
            "exitCode": 2,
            "message": f"{message}; run from inside the project, or pass --project-dir "
            "with the directory that holds the project's Pulumi.yaml",
        }
    ]
    assert main(["--project-dir", str(tmp_path), "plan", "--stack", "dev"]) == 2
    assert f"--project-dir {tmp_path.resolve()}: no Pulumi.yaml there" in capsys.readouterr().err


def test_adf_check_needs_no_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "adf" / "pipeline").mkdir(parents=True)
    assert main(["adf", "check", str(tmp_path / "adf")]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "0 of 0 file(s) deployable"


# ---------------------------------------------------------------------------- Ctrl-C


def test_ctrl_c_during_a_plan_exits_130_with_one_line(tmp_path: Path) -> None:
    """A real plan, in a fresh interpreter with the code of this checkout, of a copy of the project (with a Function
    package, so that the plan itself prints nothing on stderr), from a directory below it; SIGINT once the program
    runs (the working directory becomes the project directory as the offline plan starts the program)."""
    project = copy_program(tmp_path / "project", PROJECT_DIR)
    (project / "dist").mkdir()
    (project / "dist" / "function.zip").write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip
    (project / "docs").mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "ops", "plan", "--stack", "dev"],
        cwd=project / "docs",
        env=checkout_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while Path(os.readlink(f"/proc/{process.pid}/cwd")) != project:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the plan never started the program"
            time.sleep(0.001)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert err.splitlines() == ["interrupted"]
    assert out == ""


@pytest.fixture
def sigint_handler() -> Iterator[None]:
    """The CLI ignores a second Ctrl-C after the first; give the test process its handler back."""
    handler = signal.getsignal(signal.SIGINT)
    yield
    signal.signal(signal.SIGINT, handler)


def test_ctrl_c_under_json_is_an_envelope_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], sigint_handler: None
) -> None:
    def interrupt(args: argparse.Namespace) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr("ops.cli.plan.checked_plan", interrupt)
    assert main(["plan", "--stack", "dev", "--json"]) == 130
    captured = capsys.readouterr()
    assert captured.err == "interrupted\n"
    assert json.loads(captured.out) == {
        "command": "plan",
        "ok": False,
        "exitCode": 130,
        "errors": [{"kind": "interrupted", "exitCode": 130, "message": "interrupted"}],
    }
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN, "a second Ctrl-C while reporting is ignored"


def test_ctrl_c_ends_an_offline_command_at_once_and_raises_keyboard_interrupt_in_the_others(
    monkeypatch: pytest.MonkeyPatch, sigint_handler: None
) -> None:
    """Pulumi's engine may keep a KeyboardInterrupt inside a task and wait on for ever, so a plan is ended by the
    handler itself; a command that talks to Azure gets the KeyboardInterrupt, so its `with` blocks close."""
    seen: dict[str, Any] = {}

    def record(name: str) -> Any:
        def command(args: argparse.Namespace, *_: Any) -> Any:
            seen[name] = signal.getsignal(signal.SIGINT)
            raise InputError("stop here")

        return command

    monkeypatch.setattr("ops.cli.plan.checked_plan", record("plan"))
    monkeypatch.setattr("ops.runs.parse_parameters", record("run"))
    before = signal.getsignal(signal.SIGINT)
    assert main(["plan", "--stack", "dev"]) == 2
    assert main(["run", "PL_X", "--stack", "dev"]) == 2
    assert seen["run"] is signal.default_int_handler
    assert callable(seen["plan"]) and seen["plan"] not in (signal.default_int_handler, before)
    assert seen["plan"].__qualname__ == "Output.ending_at_interrupt.<locals>.end"
    assert signal.getsignal(signal.SIGINT) is before, "the caller's handler is back afterwards"
