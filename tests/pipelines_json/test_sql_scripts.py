"""The versioned SQL scripts parse, and every table and procedure the factory's pipelines name is defined by them.

Offline and fast: sqlglot parses `sql/*.sql` (T-SQL), the pipelines and datasets are read from
`pipelines_json/`. The helpers live in `sql_catalog` so other test modules can reuse them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from migrations.catalog import (
    SQLCMD_SAMPLE_VALUES,
    ObjectKind,
    SqlCatalog,
    SqlReference,
    SqlScriptError,
    build_catalog,
    load_catalog,
    parse_script,
    qualify,
    script_files,
    script_problems,
)
from migrations.references import dataset_tables, load_json_documents, missing_objects, pipeline_references
from migrations.scripts import SCRIPT_NAME, split_batches
from tests.support.checkout import PIPELINES_DIR, SQL_DIR

__all__ = [
    "SqlCatalog",
    "SqlReference",
    "SqlScriptError",
    "load_catalog",
    "missing_objects",
    "parse_script",
    "pipeline_references",
]

SCRIPTS = script_files(SQL_DIR)

EXPECTED_TABLES = {"staging.user_submissions", "dbo.users", "dbo.user_events", "analytics.hourly_emotion_summary"}
EXPECTED_PROCEDURES = {"dbo.usp_merge_users", "analytics.usp_aggregate_hourly"}
EXPECTED_SCHEMAS = {"staging", "analytics"}


@pytest.fixture(scope="module")
def catalog() -> SqlCatalog:
    return load_catalog(SQL_DIR)


@pytest.fixture(scope="module")
def datasets() -> dict[str, dict[str, Any]]:
    return {name: document for name, (_file, document) in load_json_documents("dataset", PIPELINES_DIR).items()}


@pytest.fixture(scope="module")
def pipelines() -> dict[str, tuple[str, dict[str, Any]]]:
    return load_json_documents("pipeline", PIPELINES_DIR)


# ------------------------------------------------------------------------------------- the scripts


def test_scripts_exist_and_are_versioned_in_order() -> None:
    names = [path.name for path in SCRIPTS]
    assert names, f"no scripts in {SQL_DIR.name}/"
    bad = [name for name in names if not SCRIPT_NAME.match(name)]
    assert not bad, f"script names must look like V001__what_it_does.sql: {bad}"
    versions = [int(name[1:4]) for name in names]
    assert versions == list(range(1, len(versions) + 1)), f"versions must run 1, 2, 3, ... without gaps: {names}"


@pytest.mark.parametrize("path", SCRIPTS, ids=[path.name for path in SCRIPTS])
def test_script_parses(path: Path) -> None:
    script = parse_script(path.read_text(encoding="utf-8"), f"sql/{path.name}")
    assert script.statements, f"{path.name}: no statements"


@pytest.mark.parametrize("path", SCRIPTS, ids=[path.name for path in SCRIPTS])
def test_sqlcmd_variables_are_known_and_documented(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    used = set(re.findall(r"\$\(([A-Za-z_]\w*)\)", text))
    assert used <= set(SQLCMD_SAMPLE_VALUES), f"{path.name}: unknown sqlcmd variables {sorted(used)}"
    comments = "\n".join(line for line in text.splitlines() if line.lstrip().startswith("--"))
    undocumented = sorted(name for name in used if not re.search(rf"(?<!\$\(){name}\b", comments))
    assert not undocumented, f"{path.name}: document the sqlcmd variables {undocumented} in the header comment"


def test_scripts_define_the_platform_objects(catalog: SqlCatalog) -> None:
    assert not EXPECTED_TABLES - set(catalog.tables), "tables not defined"
    assert not EXPECTED_PROCEDURES - set(catalog.procedures), "procedures not defined"
    assert not EXPECTED_SCHEMAS - set(catalog.schemas), "schemas not defined"


def test_scripts_only_reference_objects_defined_by_earlier_scripts(catalog: SqlCatalog) -> None:
    problems = script_problems(catalog)
    assert not problems, "\n".join(problems)


def test_procedure_bodies_are_parsed(catalog: SqlCatalog) -> None:
    """The procedures' statements are parsed (not opaque), so their table references are known."""
    merge = {ref.name for ref in catalog.procedures["dbo.usp_merge_users"].references if ref.kind == "table"}
    assert {"staging.user_submissions", "dbo.users"} <= merge
    aggregate = {ref.name for ref in catalog.procedures["analytics.usp_aggregate_hourly"].references}
    assert {"dbo.user_events", "dbo.users", "analytics.hourly_emotion_summary"} <= aggregate


def test_factory_access_script_grants_execute_on_both_procedures() -> None:
    path = next(path for path in SCRIPTS if path.name.endswith("__factory_access.sql"))
    script = parse_script(path.read_text(encoding="utf-8"), f"sql/{path.name}")
    granted = {ref.name for ref in script.references if ref.kind == "object"}
    assert not EXPECTED_PROCEDURES - granted, "procedures without GRANT EXECUTE"


# ----------------------------------------------------------------------- what the pipelines name


def test_pipelines_name_only_defined_tables_and_procedures(
    catalog: SqlCatalog, pipelines: dict[str, tuple[str, dict[str, Any]]], datasets: dict[str, dict[str, Any]]
) -> None:
    refs = [ref for file, document in pipelines.values() for ref in pipeline_references(document, file, datasets)]
    named = {(ref.kind, ref.name) for ref in refs}
    # The extraction must find what the pipelines use; an empty result would pass vacuously.
    assert not {("procedure", name) for name in EXPECTED_PROCEDURES} - named, "procedures the pipelines call"
    assert ("table", "staging.user_submissions") in named, "the user sync's staging table"
    problems = missing_objects(refs, catalog)
    assert not problems, "\n".join(problems)


def test_sql_datasets_name_defined_tables(catalog: SqlCatalog) -> None:
    refs = [
        ref
        for file, document in load_json_documents("dataset", PIPELINES_DIR).values()
        for ref in dataset_tables(document, f"{file}: properties")
    ]
    assert ("table", "staging.user_submissions") in {(ref.kind, ref.name) for ref in refs}
    problems = missing_objects(refs, catalog)
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------------- the checks themselves


def test_syntax_error_is_reported_with_the_file_and_line() -> None:
    broken = "CREATE TABLE dbo.ok (a int);\nGO\n\nSELECT a\nFROM dbo.ok\nWHERE a = = 1;\n"
    with pytest.raises(SqlScriptError) as error:
        parse_script(broken, "sql/V099__broken.sql")
    message = str(error.value)
    assert "sql/V099__broken.sql" in message
    assert "line 6" in message


def test_statement_sqlglot_cannot_parse_is_reported() -> None:
    with pytest.raises(SqlScriptError, match=r"sql/V098__typo\.sql: .*CREATE TABEL"):
        parse_script("CREATE TABEL dbo.oops (a int);", "sql/V098__typo.sql")


def test_unknown_sqlcmd_variable_is_reported() -> None:
    with pytest.raises(SqlScriptError, match=r"sql/V097__vars\.sql: line 2: unknown sqlcmd variable \$\(Nope\)"):
        parse_script("SELECT 1;\nCREATE USER [$(Nope)] FROM EXTERNAL PROVIDER;", "sql/V097__vars.sql")


def test_procedure_sqlglot_keeps_opaque_is_still_catalogued() -> None:
    """A body sqlglot only returns as an opaque Command: the name is still found and the body still parsed."""
    text = "CREATE OR ALTER PROCEDURE [dbo].[usp_demo]\nAS\nBEGIN\n    SELECT user_id FROM dbo.users WHERE 1 = 1\nEND\n"
    script = parse_script(text, "sql/V096__demo.sql")
    assert script.procedures == {"dbo.usp_demo"}
    assert "dbo.users" in {ref.name for ref in script.references if ref.kind == "table"}
    broken = text.replace("WHERE 1 = 1", "WHERE 1 = = 1")
    with pytest.raises(SqlScriptError, match=r"sql/V096__demo\.sql: line 4, "):
        parse_script(broken, "sql/V096__demo.sql")


def test_missing_table_and_procedure_are_reported(catalog: SqlCatalog) -> None:
    pipeline = {
        "name": "PL_Fake",
        "properties": {
            "activities": [
                {
                    "name": "Load",
                    "type": "Copy",
                    "typeProperties": {
                        "source": {"type": "AzureSqlSource", "sqlReaderQuery": "SELECT * FROM dbo.users"},
                        "sink": {"type": "AzureSqlSink", "preCopyScript": "TRUNCATE TABLE dbo.nope"},
                    },
                },
                {
                    "name": "Merge",
                    "type": "SqlServerStoredProcedure",
                    "typeProperties": {"storedProcedureName": "[dbo].[nope]"},
                },
            ]
        },
    }
    problems = missing_objects(pipeline_references(pipeline, "pipeline/PL_Fake.json", {}), catalog)
    assert len(problems) == 2, problems
    assert all("pipeline/PL_Fake.json" in problem and "dbo.nope" in problem for problem in problems)
    assert any("table dbo.nope" in problem and "preCopyScript" in problem for problem in problems)
    assert any("procedure dbo.nope" in problem and "storedProcedureName" in problem for problem in problems)


def test_dataset_parameters_and_table_lists_are_resolved(catalog: SqlCatalog) -> None:
    dataset = {
        "name": "DS_Sql",
        "properties": {
            "type": "AzureSqlTable",
            "parameters": {"schema": {"type": "string", "defaultValue": "dbo"}, "table": {"type": "string"}},
            "typeProperties": {
                "schema": {"value": "@dataset().schema", "type": "Expression"},
                "table": {"value": "@dataset().table", "type": "Expression"},
            },
        },
    }
    pipeline = {
        "name": "PL_Fake",
        "properties": {
            "parameters": {"tables": {"type": "array", "defaultValue": [{"schema": "analytics", "table": "nope"}]}},
            "activities": [
                {
                    "name": "Read",
                    "type": "Lookup",
                    "typeProperties": {
                        "dataset": {"referenceName": "DS_Sql", "type": "DatasetReference", "parameters": {"table": "x"}}
                    },
                }
            ],
        },
    }
    refs = pipeline_references(pipeline, "pipeline/PL_Fake.json", {"ds_sql": dataset})
    assert {ref.name for ref in refs} == {"dbo.x", "analytics.nope"}
    assert len(missing_objects(refs, catalog)) == 2


def test_catalog_of_an_empty_set_of_scripts_defines_nothing() -> None:
    empty = build_catalog([])
    assert missing_objects([SqlReference(ObjectKind.TABLE, qualify("users"), "here")], empty) == [
        "here: table dbo.users is not defined in sql/; defined: none"
    ]


def test_batches_split_on_go_lines_only() -> None:
    text = "SELECT 1;\nGO\nSELECT 'GO';\n  go  \n-- GO in a comment\nSELECT 2;\n"
    assert [(line, batch.strip()) for line, batch in split_batches(text)] == [
        (1, "SELECT 1;"),
        (3, "SELECT 'GO';"),
        (5, "-- GO in a comment\nSELECT 2;"),
    ]
