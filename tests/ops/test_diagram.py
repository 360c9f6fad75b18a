"""`python -m ops diagram`: both views of a stack as DOT and self-contained SVG, or a clear refusal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import ops.cli.plan
import ops.diagram
from ops.cli.main import main
from ops.diagram import default_output, draw, views_to_draw
from preview.diagram import VIEWS, RenderError, adf_source, architecture_source, find_renderer, source_digest
from preview.plan import Plan, copy_program
from stack.errors import InputError
from tests.support.checkout import PROJECT_DIR


def _args(**values: Any) -> list[str]:
    return ["diagram", *(item for key, value in values.items() for item in (f"--{key}", str(value)))]


def _rendered_from(svg: Path, source: str) -> bool:
    text = svg.read_text(encoding="utf-8")
    return f"<!-- DOT source sha256: {source_digest(source)} -->" in text and 'href="resources/' not in text


def test_writes_both_views_into_the_projects_docs_by_default(
    dev: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_program(tmp_path / "project", PROJECT_DIR)
    (project / "node_modules").symlink_to(PROJECT_DIR / "node_modules")
    assert main([*_args(stack="dev", **{"project-dir": project})]) == 0
    for view, source in (("architecture", architecture_source(dev)), ("adf", adf_source(dev))):
        assert (project / "docs" / f"{view}-dev.dot").read_text(encoding="utf-8") == source
        assert _rendered_from(project / "docs" / f"{view}-dev.svg", source)
    out = capsys.readouterr().out
    assert "architecture-dev.svg" in out and "adf-dev.svg" in out


def test_output_names_one_view_the_architecture_unless_view_says(
    dev: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the command writes for `--output` and `--view`; the plan is the session's dev plan (the command's own
    planning is what the test above runs)."""
    monkeypatch.setattr(ops.cli.plan, "checked_plan", lambda args: dev)
    assert main(_args(stack="dev", output=tmp_path / "arch")) == 0
    assert (tmp_path / "arch.dot").read_text(encoding="utf-8") == architecture_source(dev)
    assert _rendered_from(tmp_path / "arch.svg", architecture_source(dev))
    assert "arch.svg" in capsys.readouterr().out
    assert main([*_args(stack="dev", view="adf", output=tmp_path / "content", format="svg"), "--json"]) == 0
    assert (tmp_path / "content.dot").read_text(encoding="utf-8") == adf_source(dev)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["arch.dot", "arch.svg", "content.dot", "content.svg"]
    document = json.loads(capsys.readouterr().out)
    assert (document["command"], document["ok"], document["stack"]) == ("diagram", True, "dev")
    assert document["views"] == [
        {"view": "adf", "dot": str(tmp_path / "content.dot"), "svg": str(tmp_path / "content.svg")}
    ]


def test_the_views_drawn_and_where_they_are_committed() -> None:
    assert views_to_draw(None, None) == ["adf", "architecture"] == sorted(VIEWS)
    assert views_to_draw(None, Path("x")) == ["architecture"]
    assert views_to_draw("adf", Path("x")) == ["adf"]
    with pytest.raises(InputError, match="view 'png' is not one of adf, architecture"):
        views_to_draw("png", None)
    assert default_output(Path("/p"), "adf", "test") == Path("/p/docs/adf-test")


def _without_renderer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project directory with no node_modules at or above it; planning it fails the test."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: data-platform\nruntime: python\n", encoding="utf-8")

    def plan_first(args: Any) -> Plan:
        raise AssertionError("planned before checking the renderer")

    monkeypatch.setattr(ops.cli.plan, "checked_plan", plan_first)
    return project


def test_without_the_renderer_exits_2_with_the_install_hint_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _without_renderer(tmp_path, monkeypatch)
    assert main(_args(stack="dev", **{"project-dir": project})) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: node_modules/@hpcc-js/wasm-graphviz/package.json is missing in ")
    assert "npm ci" in err and "make install" in err and "Node.js 20" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in project.iterdir()) == ["Pulumi.yaml"], "nothing is written without the renderer"


def test_json_envelope_of_a_machine_without_the_renderer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _without_renderer(tmp_path, monkeypatch)
    assert main([*_args(stack="dev", **{"project-dir": project}), "--json"]) == 2
    document = json.loads(capsys.readouterr().out)
    assert (document["command"], document["ok"], document["exitCode"]) == ("diagram", False, 2)
    assert [error["kind"] for error in document["errors"]] == ["input"]
    assert "npm ci" in document["errors"][0]["message"]


def test_png_is_no_longer_a_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_args(stack="dev", format="png")) == 2
    assert "invalid choice: 'png'" in capsys.readouterr().err


def test_unknown_stack_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_args(stack="staging")) == 2
    assert "Pulumi.staging.yaml: no such stack file" in capsys.readouterr().err


def test_a_view_that_fails_to_render_leaves_every_view_unwritten(
    dev: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every view is rendered before any file is written: one refused graph writes neither view."""
    rendered: list[list[str]] = []

    def refuses_the_second(sources: list[str], renderer: object) -> list[str]:
        rendered.append(sources)
        raise RenderError("graphviz failed: graph 2: syntax error")

    monkeypatch.setattr(ops.diagram, "render_svgs", refuses_the_second)
    outputs = {"architecture": tmp_path / "arch", "adf": tmp_path / "content"}
    with pytest.raises(RenderError, match="graph 2"):
        draw(dev, find_renderer(PROJECT_DIR), outputs)
    assert rendered == [[architecture_source(dev), adf_source(dev)]]
    assert list(tmp_path.iterdir()) == []
