"""Only SQL that runs through the platform's own SQL linked service is held to what `sql/` defines; a query for any
other database is parsed in that database's dialect, for its syntax alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from adf.load import inspect_content
from migrations.references import platform_sql_services, project_problems

SERVER = {"path": "properties.typeProperties.server", "stackValue": "sql.server"}


def _service(name: str, adf_type: str) -> dict[str, Any]:
    return {"name": name, "properties": {"type": adf_type, "typeProperties": {"server": "s", "database": "d"}}}


def _dataset(name: str, service: str, table: str) -> dict[str, Any]:
    reference = {"referenceName": service, "type": "LinkedServiceReference"}
    return {
        "name": name,
        "properties": {"type": "AzureSqlTable", "linkedServiceName": reference, "typeProperties": {"tableName": table}},
    }


def _lookup(dataset: str, query: str) -> dict[str, Any]:
    source = {"type": "SqlSource", "sqlReaderQuery": query}
    reference = {"referenceName": dataset, "type": "DatasetReference"}
    return {"name": f"Read{dataset}", "type": "Lookup", "typeProperties": {"source": source, "dataset": reference}}


def _project(tmp_path: Path, files: dict[str, Any], overrides: dict[str, Any]) -> list[str]:
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "V001__users.sql").write_text("CREATE TABLE dbo.users (id int);\n")
    content = tmp_path / "pipelines_json"
    for key, document in files.items():
        (content / key).parent.mkdir(parents=True, exist_ok=True)
        (content / f"{key}.json").write_text(json.dumps(document))
    (content / "overrides.json").write_text(json.dumps(overrides))
    found, _ordered, _overrides = inspect_content(content, with_overrides=False)
    return project_problems(found.items, tmp_path / "sql")


def _files(query: str, other_type: str = "Oracle") -> dict[str, Any]:
    return {
        "linkedService/LS_Platform": _service("LS_Platform", "AzureSqlDatabase"),
        "linkedService/LS_Other": _service("LS_Other", other_type),
        "dataset/DS_Platform": _dataset("DS_Platform", "LS_Platform", "dbo.users"),
        "dataset/DS_Other": _dataset("DS_Other", "LS_Other", "hr.employees"),
        "pipeline/PL_Read": {
            "name": "PL_Read",
            "properties": {
                "activities": [_lookup("DS_Platform", "SELECT id FROM dbo.ghost"), _lookup("DS_Other", query)]
            },
        },
    }


def test_the_platform_service_is_the_one_whose_server_is_the_platform_database(tmp_path: Path) -> None:
    problems = _project(
        tmp_path,
        _files('SELECT "ID" FROM "HR"."EMPLOYEES" WHERE ROWNUM < 10'),
        {"common": {"linkedService/LS_Platform": [SERVER]}},
    )
    assert problems == [
        "pipelines_json/pipeline/PL_Read.json: properties.activities[0].typeProperties.source.sqlReaderQuery: "
        "table dbo.ghost is not defined in sql/; defined: dbo.users"
    ]


def test_a_query_for_another_database_is_checked_for_its_syntax_in_its_dialect(tmp_path: Path) -> None:
    problems = _project(
        tmp_path, _files("SELECT id FRM hr.employees"), {"prod": {"linkedService/LS_Platform": [SERVER]}}
    )
    assert problems[1:] == [
        "pipelines_json/pipeline/PL_Read.json: properties.activities[1].typeProperties.source.sqlReaderQuery: not "
        "valid oracle SQL for linked service 'LS_Other' (Oracle): Invalid expression / Unexpected token (parsed with "
        "sqlglot)"
    ]


def test_a_query_for_a_database_without_a_known_dialect_is_not_checked(tmp_path: Path) -> None:
    files = _files("SELECT id FRM hr.employees", other_type="Odbc")
    assert len(_project(tmp_path, files, {"common": {"linkedService/LS_Platform": [SERVER]}})) == 1


def test_without_the_platform_service_nothing_is_held_to_sql(tmp_path: Path) -> None:
    assert _project(tmp_path, _files("SELECT 1 FROM dual"), {"common": {}}) == []


def test_a_wildcard_names_the_platform_service_too(tmp_path: Path) -> None:
    items = {
        "linkedService/LS_Sql_Main": _service("LS_Sql_Main", "AzureSqlDatabase"),
        "linkedService/LS_Other": _service("LS_Other", "Oracle"),
    }
    content = tmp_path / "pipelines_json"
    for key, document in items.items():
        (content / key).parent.mkdir(parents=True, exist_ok=True)
        (content / f"{key}.json").write_text(json.dumps(document))
    (content / "overrides.json").write_text(
        json.dumps({"common": {"linkedService/LS_Sql_*": [{**SERVER, "match": "s"}]}})
    )
    found, _ordered, _overrides = inspect_content(content, with_overrides=False)
    assert platform_sql_services(content, found.items) == {"ls_sql_main"}


def test_a_pipelines_table_list_is_the_platforms_only_when_the_pipeline_uses_the_platform(tmp_path: Path) -> None:
    files = _files("SELECT 1 FROM dual")
    tables = {"type": "array", "defaultValue": [{"schema": "dbo", "table": "missing"}]}
    files["pipeline/PL_Read"]["properties"]["parameters"] = {"tables": tables}
    files["pipeline/PL_Other"] = {
        "name": "PL_Other",
        "properties": {"parameters": {"tables": tables}, "activities": [_lookup("DS_Other", "SELECT 1 FROM dual")]},
    }
    problems = _project(tmp_path, files, {"common": {"linkedService/LS_Platform": [SERVER]}})
    assert [problem.split(":")[0] for problem in problems] == ["pipelines_json/pipeline/PL_Read.json"] * 2
    assert any("properties.parameters.tables.defaultValue[0]: table dbo.missing" in problem for problem in problems)
