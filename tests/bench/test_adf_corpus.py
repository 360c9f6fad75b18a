"""The corpus benchmark reads checkouts it is given, runs `ops adf check` on each root and counts every file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench import adf_corpus
from bench.adf_corpus import Repository, measure, recorded, render, write
from tests.support.adf_tree import fixture_files
from tests.support.adf_tree import write as write_tree
from tests.support.warm_process import WarmCli


def test_each_file_is_counted_typed_arm_refused_or_refused_through_a_reference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warm_cli: WarmCli
) -> None:
    files: dict[str, Any] = fixture_files()
    files["pipeline/PL_Copy"]["properties"]["parameters"]["runDate"]["identity"] = "runDate"
    files["linkedService/LS_Lake"]["properties"]["connectVia"] = "ir-managed"  # refused: the rest follows
    write_tree(tmp_path / "checkouts" / "contoso+factory", files)
    monkeypatch.setattr(adf_corpus, "CORPUS", (Repository("contoso/factory", "0" * 40, ("pipelines_json",)),))
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    # The warm interpreter's `python -m ops`; the test below runs the fresh interpreter the benchmark starts.
    results = measure(
        tmp_path / "checkouts", adf_corpus.PROJECT, lambda project, args: warm_cli.run(project, *args, outputs=outputs)
    )
    section, passed = render(results)
    assert not passed
    assert "| contoso/factory (pipelines_json/) (000000000000) | 4 | 0 | 0 | 1 | 3 | 0.0% |" in section
    assert "| 1 | connectVia: expected object (IntegrationRuntimeReferenceArgs), got string 'ir-managed' |" in section
    assert "Result: 0 of 4 (0.0%), FAIL" in section


def test_a_missing_checkout_is_no_report_and_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(adf_corpus, "CORPUS", (Repository("contoso/gone", "1" * 40, (".",)),))
    section, passed = render(measure(tmp_path, adf_corpus.PROJECT))
    assert not passed
    assert f"no report: {tmp_path / 'contoso+gone' / '.'}: missing" in section


def test_the_section_is_kept_between_runs_without_checkouts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    benchmarks = tmp_path / "BENCHMARKS.md"
    benchmarks.write_text("# Benchmarks\n\n## Other\n\nkept\n")
    monkeypatch.setattr(adf_corpus, "BENCHMARKS", benchmarks)
    assert recorded().startswith(f"{adf_corpus.TITLE}\n\nNot measured yet")
    write(f"{adf_corpus.TITLE}\n\nfirst")
    write(f"{adf_corpus.TITLE}\n\nsecond")
    assert benchmarks.read_text() == f"# Benchmarks\n\n## Other\n\nkept\n\n{adf_corpus.TITLE}\n\nsecond\n"
    assert recorded() == f"{adf_corpus.TITLE}\n\nsecond"


def test_deployable_files_with_warnings_are_counted_by_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files: dict[str, Any] = fixture_files()
    files["linkedService/LS-Lake"] = {**files.pop("linkedService/LS_Lake"), "name": "LS-Lake"}
    files["dataset/DS_Files"]["properties"]["linkedServiceName"]["referenceName"] = "LS-Lake"
    write_tree(tmp_path / "checkouts" / "contoso+factory", files)
    monkeypatch.setattr(adf_corpus, "CORPUS", (Repository("contoso/factory", "0" * 40, ("pipelines_json",)),))
    section, passed = render(measure(tmp_path / "checkouts", adf_corpus.PROJECT))
    assert passed
    assert "Deployable with a warning: 1 file(s)" in section
    assert (
        "| 1 | name: 'LS-Lake' has '-'; allowed: letters, digits, _ and spaces (limit letters, digits, _ and "
        in section
    )
