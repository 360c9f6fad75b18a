"""What the ADF content asks of the database: the tables and procedures its pipelines and datasets name.

The names come from what the ADF loader read (`adf.load`); they are checked against the catalog of
what the scripts in `sql/` define (`migrations.catalog`). Values that are ADF expressions cannot be
resolved offline and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from adf.model import AdfItem
from adf.walk import walk_json
from migrations.catalog import (
    DEFAULT_SCHEMA,
    ObjectKind,
    SqlCatalog,
    SqlReference,
    SqlScriptError,
    load_catalog,
    parse_sql,
    qualify,
    referenced_tables,
    script_problems,
)
from migrations.scripts import SqlInputError, discover
from stack.paths import SQL_FOLDER

SQL_TABLE_DATASETS = frozenset({"AzureSqlTable", "SqlServerTable", "AzureSqlMITable", "AzureSqlDWTable"})
SQL_TEXT_KEYS = ("preCopyScript", "sqlReaderQuery")
PROCEDURE_KEYS = ("storedProcedureName", "sqlReaderStoredProcedureName", "sqlWriterStoredProcedureName")
_DATASET_PARAMETER = re.compile(r"^@dataset\(\)\.([A-Za-z_]\w*)$")


def _literal(value: Any) -> str | None:
    """A plain string value; None for ADF expressions (`@...`, `{"type": "Expression"}`) and non-strings."""
    if isinstance(value, str) and not value.startswith("@") and "@{" not in value:
        return value
    return None


def _expression_text(value: Any) -> str | None:
    if isinstance(value, Mapping) and value.get("type") == "Expression" and isinstance(value.get("value"), str):
        return str(value["value"])
    return value if isinstance(value, str) and value.startswith("@") else None


def _resolve(value: Any, passed: Mapping[str, Any], declared: Mapping[str, Any]) -> str | None:
    """A dataset property's literal value, following `@dataset().X` to the value passed (or X's default)."""
    literal = _literal(value)
    if literal is not None:
        return literal
    text = _expression_text(value)
    match = _DATASET_PARAMETER.match(text.strip()) if text else None
    if match is None:
        return None
    name = match.group(1)
    if name in passed:
        return _literal(passed[name])
    spec = declared.get(name)
    return _literal(spec.get("defaultValue")) if isinstance(spec, Mapping) else None


def dataset_tables(
    dataset: Mapping[str, Any], where: str, passed: Mapping[str, Any] | None = None
) -> list[SqlReference]:
    """The table a SQL dataset names (schema/table or tableName), where it is a literal or resolvable."""
    properties = dataset.get("properties")
    if not isinstance(properties, Mapping) or properties.get("type") not in SQL_TABLE_DATASETS:
        return []
    type_properties = properties.get("typeProperties")
    type_properties = type_properties if isinstance(type_properties, Mapping) else {}
    declared = properties.get("parameters")
    declared = declared if isinstance(declared, Mapping) else {}
    passed = passed or {}
    table = _resolve(type_properties.get("table"), passed, declared)
    if table is not None:
        schema = _resolve(type_properties.get("schema"), passed, declared) or DEFAULT_SCHEMA
        return [SqlReference(ObjectKind.TABLE, qualify(f"[{schema}].[{table}]"), f"{where}.typeProperties.table")]
    table_name = _resolve(type_properties.get("tableName"), passed, declared)
    if table_name is not None:
        return [SqlReference(ObjectKind.TABLE, qualify(table_name), f"{where}.typeProperties.tableName")]
    return []


def _sql_text_tables(text: str, where: str) -> list[SqlReference]:
    """The tables an embedded query names. A query sqlglot cannot parse (valid T-SQL such as `WAITFOR DELAY`,
    `SET NOCOUNT, XACT_ABORT ON` or `DBCC`, which SQL Server runs) names no table this check can see."""
    tables: set[str] = set()
    try:
        statements = parse_sql(text, where)
    except SqlScriptError:
        return []
    for statement in statements:
        tables |= referenced_tables(statement)
    return [SqlReference(ObjectKind.TABLE, name, where) for name in sorted(tables)]


def pipeline_references(
    document: Mapping[str, Any], file: str, datasets: Mapping[str, Mapping[str, Any]]
) -> list[SqlReference]:
    """Every table and stored procedure a pipeline names.

    * SQL datasets the pipeline references (literal schema/table or tableName, or `@dataset().X`
      bound to a literal parameter value);
    * array parameters whose default lists `{"schema": ..., "table": ...}` objects (what a ForEach
      over tables iterates);
    * literal `preCopyScript` / `sqlReaderQuery` texts, parsed with sqlglot;
    * literal `storedProcedureName` (and the copy source/sink stored-procedure properties).

    Values that are ADF expressions cannot be resolved offline and are skipped.
    `datasets` maps lower-case dataset names to their documents.
    """
    refs: list[SqlReference] = []
    properties = document.get("properties")
    if not isinstance(properties, Mapping):
        return refs  # the ADF loader reports the file
    parameters = properties.get("parameters")
    for name, spec in (parameters if isinstance(parameters, Mapping) else {}).items():
        default = spec.get("defaultValue") if isinstance(spec, Mapping) else None
        if not isinstance(default, list):
            continue
        for index, entry in enumerate(default):
            if isinstance(entry, Mapping) and _literal(entry.get("table")):
                schema = _literal(entry.get("schema")) or DEFAULT_SCHEMA
                where = f"{file}: properties.parameters.{name}.defaultValue[{index}]"
                refs.append(SqlReference(ObjectKind.TABLE, qualify(f"[{schema}].[{entry['table']}]"), where))
    for path, node in walk_json(properties, f"{file}: properties"):
        if not isinstance(node, Mapping):
            continue
        if node.get("type") == "DatasetReference":
            dataset = datasets.get(str(node.get("referenceName", "")).lower())
            if dataset is not None:
                refs.extend(
                    dataset_tables(dataset, f"{path} -> dataset {node.get('referenceName')}", node.get("parameters"))
                )
        for key in SQL_TEXT_KEYS:
            text = _literal(node.get(key))
            if text is not None and text.strip():
                refs.extend(_sql_text_tables(text, f"{path}.{key}"))
        for key in PROCEDURE_KEYS:
            procedure = _literal(node.get(key))
            if procedure is not None and procedure.strip():
                refs.append(SqlReference(ObjectKind.PROCEDURE, qualify(procedure), f"{path}.{key}"))
    return refs


def missing_objects(refs: Iterable[SqlReference], catalog: SqlCatalog) -> list[str]:
    """One message per reference to a table or procedure no script defines."""
    problems = []
    for ref in refs:
        if not catalog.defines(ref):
            known = ", ".join(catalog.defined(ref.kind)) or "none"
            problems.append(f"{ref.where}: {ref.kind} {ref.name} is not defined in {SQL_FOLDER}/; defined: {known}")
    return problems


def documents(items: Iterable[AdfItem], kind: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """`{lower-case name: (repo-relative file, document)}` of every item of one kind (e.g. "pipeline")."""
    return {item.name.lower(): (item.file, item.document) for item in items if item.kind == kind}


def load_json_documents(kind: str, root: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    """The documents of one kind, read by the ADF loader (the one reader of `pipelines_json/`)."""
    from adf.load import inspect_content

    found, _ordered, _overrides = inspect_content(root, with_overrides=False)
    return documents(found.items, kind)


def project_problems(items: Iterable[AdfItem], sql_dir: Path) -> list[str]:
    """Everything wrong between `sql/` and the ADF content: scripts that do not parse, scripts that use
    objects no earlier script defines, and tables or procedures the pipelines and datasets name but
    no script defines. `items` are what the ADF loader read; content errors are the loader's to report."""
    try:
        discover(sql_dir)
        catalog = load_catalog(sql_dir)
    except (SqlInputError, SqlScriptError) as exc:
        return str(exc).splitlines()
    items = list(items)
    problems = script_problems(catalog)
    datasets = documents(items, "dataset")
    pipelines = documents(items, "pipeline")
    dataset_documents = {name: document for name, (_file, document) in datasets.items()}
    refs = [
        ref for file, document in pipelines.values() for ref in pipeline_references(document, file, dataset_documents)
    ]
    refs += [ref for file, document in datasets.values() for ref in dataset_tables(document, f"{file}: properties")]
    return problems + missing_objects(refs, catalog)
