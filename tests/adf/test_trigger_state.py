"""A trigger's `runtimeState` is the authoring factory's: never sent, always reported, and held against the stack's
trigger config."""

from __future__ import annotations

from pathlib import Path

from adf.convert import to_inputs
from adf.load import studio_started_but_not_run
from adf.model import AdfContent
from stack.config import DataFactoryConfig
from tests.support.adf_tree import fixture_files, load, write

START = "2026-12-01T00:00:00Z"


def _started(tmp_path: Path) -> AdfContent:
    files = fixture_files()
    files["trigger/TR_Daily"]["properties"]["runtimeState"] = "Started"
    return load(write(tmp_path, files))


def test_a_started_trigger_is_recorded_and_not_sent(tmp_path: Path) -> None:
    content = _started(tmp_path)
    assert content.started_triggers == ("TR_Daily",)
    assert "runtimeState" not in to_inputs(content.of_kind("trigger")[0])["properties"]
    assert any(
        note.startswith("1 trigger(s) are Started in ADF Studio (TR_Daily): they deploy stopped")
        for note in content.notes
    )


def test_a_stack_that_does_not_run_a_started_trigger_is_told_why(tmp_path: Path) -> None:
    content = _started(tmp_path)
    stopped = DataFactoryConfig(triggers_enabled=False, trigger_start_time=START)
    assert studio_started_but_not_run(stopped, content, []) == (
        "1 trigger(s) are Started in ADF Studio but this stack does not run them (TR_Daily: "
        "dataFactory.triggersEnabled is false); set dataFactory.triggers.<name>: true to run one, or leave it "
        "stopped on purpose"
    )
    excepted = DataFactoryConfig(triggers_enabled=True, triggers={"TR_Daily": False}, trigger_start_time=START)
    assert "(TR_Daily: dataFactory.triggers.TR_Daily is false)" in str(
        studio_started_but_not_run(excepted, content, [])
    )


def test_a_stack_that_runs_it_hears_nothing(tmp_path: Path) -> None:
    content = _started(tmp_path)
    running = DataFactoryConfig(triggers_enabled=True, trigger_start_time=START)
    assert studio_started_but_not_run(running, content, ["TR_Daily"]) is None


def test_a_stopped_trigger_is_not_reported(tmp_path: Path) -> None:
    content = load(write(tmp_path, fixture_files()))
    assert content.started_triggers == ()
    assert not any("Started in ADF Studio" in note for note in content.notes)
