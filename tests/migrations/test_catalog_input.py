"""The SQL-reference check never crashes on content: queries sqlglot cannot read, and files the loader refuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adf.load import inspect_content
from migrations.references import pipeline_references, project_problems
from ops.plan import InputProblemsError, check_sql
from preview.plan import copy_program
from tests.support.checkout import PROJECT_DIR


@pytest.mark.parametrize(
    "query",
    ["WAITFOR DELAY '00:00:05'", "SET NOCOUNT, XACT_ABORT ON; SELECT 1", "DBCC CHECKIDENT ('dbo.t', RESEED, 0)"],
)
def test_an_embedded_query_sqlglot_cannot_parse_names_no_table(query: str) -> None:
    pipeline = {
        "properties": {"activities": [{"name": "Q", "type": "Lookup", "typeProperties": {"sqlReaderQuery": query}}]}
    }
    assert pipeline_references(pipeline, "pipelines_json/pipeline/PL_Q.json", {}) == []


@pytest.mark.parametrize(
    "document",
    ["[]", json.dumps({"name": "PL_List", "properties": {"parameters": [], "activities": []}}), "{broken"],
    ids=["root-list", "parameters-list", "malformed"],
)
def test_files_the_loader_refuses_do_not_stop_the_sql_check(tmp_path: Path, document: str) -> None:
    (tmp_path / "sql").mkdir()
    (tmp_path / "pipelines_json" / "pipeline").mkdir(parents=True)
    (tmp_path / "pipelines_json" / "pipeline" / "PL_List.json").write_text(document)
    found, _ordered, _overrides = inspect_content(tmp_path / "pipelines_json", with_overrides=False)
    assert project_problems(found.items, tmp_path / "sql") == []


def test_sql_problems_and_content_problems_are_reported_together(tmp_path: Path) -> None:
    root = copy_program(tmp_path, PROJECT_DIR)
    script = sorted((root / "sql").glob("V*.sql"))[-1]
    script.write_text(script.read_text() + "\nCREATE TABEL oops (id int);\n")
    pipeline = root / "pipelines_json" / "pipeline" / "PL_Archive_SqlToLake.json"
    document = json.loads(pipeline.read_text())
    document["properties"]["description"] = "@{pipeline().parameters.ghost}"
    pipeline.write_text(json.dumps(document))
    found, _ordered, _overrides = inspect_content(root / "pipelines_json", with_overrides=False)
    with pytest.raises(InputProblemsError) as info:
        check_sql(root, found)
    message = str(info.value)
    assert "references undeclared pipeline parameter 'ghost'" in message
    assert "problem(s) in sql/" in message and script.name in message
