"""`python -m ops diagram`: both views of a stack as DOT and self-contained SVG, or a clear refusal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import ops.diagram
import preview.diagram
from ops.__main__ import main
from preview.diagram import adf_source, architecture_source, source_digest
from preview.diagram import render as render_module
from preview.plan import Plan


def _args(**values: Any) -> list[str]:
    return ["diagram", *(item for key, value in values.items() for item in (f"--{key}", str(value)))]


def _rendered_from(svg: Path, source: str) -> bool:
    text = svg.read_text(encoding="utf-8")
    return f"<!-- DOT source sha256: {source_digest(source)} -->" in text and 'href="resources/' not in text


def test_writes_both_views_into_docs_by_default(
    dev: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(preview.diagram, "DOCS_DIR", tmp_path / "docs")
    assert main(_args(stack="dev")) == 0
    for view, source in (("architecture", architecture_source(dev)), ("adf", adf_source(dev))):
        assert (tmp_path / "docs" / f"{view}-dev.dot").read_text(encoding="utf-8") == source
        assert _rendered_from(tmp_path / "docs" / f"{view}-dev.svg", source)
    out = capsys.readouterr().out
    assert "architecture-dev.svg" in out and "adf-dev.svg" in out


def test_output_names_one_view_the_architecture_unless_view_says(dev: Plan, tmp_path: Path) -> None:
    assert main(_args(stack="dev", output=tmp_path / "arch")) == 0
    assert (tmp_path / "arch.dot").read_text(encoding="utf-8") == architecture_source(dev)
    assert _rendered_from(tmp_path / "arch.svg", architecture_source(dev))
    assert main(_args(stack="dev", view="adf", output=tmp_path / "content", format="svg")) == 0
    assert (tmp_path / "content.dot").read_text(encoding="utf-8") == adf_source(dev)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["arch.dot", "arch.svg", "content.dot", "content.svg"]


def test_without_the_renderer_exits_2_with_the_install_hint_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(render_module, "WASM_GRAPHVIZ", tmp_path / "missing")

    def plan_first(stack: str) -> Plan:
        raise AssertionError("planned before checking the renderer")

    monkeypatch.setattr(ops.diagram, "run_plan", plan_first)
    output = tmp_path / "out" / "architecture-dev"
    assert main(_args(stack="dev", output=output)) == 2
    err = capsys.readouterr().err
    assert "@hpcc-js/wasm-graphviz" in err and "npm ci" in err and "Node.js 20" in err
    assert not output.parent.exists(), "nothing is written without the renderer"


def test_png_is_no_longer_a_format(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(_args(stack="dev", format="png"))
    assert exit_info.value.code == 2
    assert "invalid choice: 'png'" in capsys.readouterr().err


def test_unknown_stack_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_args(stack="staging")) == 2
    assert "Pulumi.staging.yaml: no such stack file" in capsys.readouterr().err
