"""What the ADF content asks of the database: the tables and procedures its pipelines and datasets name.

The names come from what the ADF loader read (`adf.load`); they are checked against the catalog of
what the scripts in `sql/` define (`migrations.catalog`). Values that are ADF expressions cannot be
resolved offline and are skipped.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot.errors import ParseError, TokenError

from adf.model import AdfItem
from adf.walk import nested_activity_lists, walk_json
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
from stack.paths import PIPELINES_FOLDER, SQL_FOLDER

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
    if not isinstance(properties, Mapping) or not isinstance(properties.get("type"), str):
        return []  # the ADF loader reports the file
    if properties["type"] not in SQL_TABLE_DATASETS:
        return []
    type_properties = properties.get("typeProperties")
    type_properties = type_properties if isinstance(type_properties, Mapping) else {}
    declared = properties.get("parameters")
    declared = declared if isinstance(declared, Mapping) else {}
    passed = passed if isinstance(passed, Mapping) else {}
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


@dataclass(frozen=True)
class Located:
    """A table or procedure a pipeline or dataset names, and the linked service (lower case) it runs through: None
    where the content does not say (a pipeline parameter's list of tables)."""

    ref: SqlReference
    service: str | None


@dataclass(frozen=True)
class SqlText:
    """A literal query or script of an activity, where it is written, and the linked service it runs against."""

    text: str
    where: str
    service: str | None


def _service_of(dataset: Mapping[str, Any] | None) -> str | None:
    properties = dataset.get("properties") if isinstance(dataset, Mapping) else None
    reference = properties.get("linkedServiceName") if isinstance(properties, Mapping) else None
    name = reference.get("referenceName") if isinstance(reference, Mapping) else None
    return name.lower() if isinstance(name, str) else None


def _reference_name(value: Any) -> str | None:
    name = value.get("referenceName") if isinstance(value, Mapping) else None
    return name.lower() if isinstance(name, str) else None


def _activities(activities: Any, path: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every activity with its path, nested ones included, in walk_json's path format."""
    for index, activity in enumerate(activities if isinstance(activities, list) else []):
        if isinstance(activity, dict):
            here = f"{path}[{index}]"
            yield here, activity
            for nested_path, nested in nested_activity_lists(activity, here):
                yield from _activities(nested, nested_path)


def _runs_through(
    activity: Mapping[str, Any], part: str | None, datasets: Mapping[str, Mapping[str, Any]]
) -> str | None:
    """The linked service an activity's `source` or `sink` (part), or the activity itself, runs through: the
    dataset its inputs/outputs (or `dataset`) name, else its own `linkedServiceName`."""
    type_properties = activity.get("typeProperties")
    type_properties = type_properties if isinstance(type_properties, Mapping) else activity

    def first(key: str) -> Any:
        value = activity.get(key)
        return value[0] if isinstance(value, list) and value else None

    dataset_refs = {"source": [first("inputs"), type_properties.get("dataset")], "sink": [first("outputs")]}
    for reference in dataset_refs.get(part or "", []):
        name = _reference_name(reference)
        if name is not None:
            return _service_of(datasets.get(name))
    return _reference_name(activity.get("linkedServiceName"))


def located_references(
    document: Mapping[str, Any], file: str, datasets: Mapping[str, Mapping[str, Any]]
) -> tuple[list[Located], list[SqlText]]:
    """What `pipeline_references` finds, each with the linked service it runs through, and the literal SQL texts."""
    found: list[Located] = []
    texts: list[SqlText] = []
    properties = document.get("properties")
    if not isinstance(properties, Mapping):
        return found, texts  # the ADF loader reports the file
    parameters = properties.get("parameters")
    for name, spec in (parameters if isinstance(parameters, Mapping) else {}).items():
        default = spec.get("defaultValue") if isinstance(spec, Mapping) else None
        if not isinstance(default, list):
            continue
        for index, entry in enumerate(default):
            if isinstance(entry, Mapping) and _literal(entry.get("table")):
                schema = _literal(entry.get("schema")) or DEFAULT_SCHEMA
                where = f"{file}: properties.parameters.{name}.defaultValue[{index}]"
                ref = SqlReference(ObjectKind.TABLE, qualify(f"[{schema}].[{entry['table']}]"), where)
                found.append(Located(ref, None))
    activities = dict(_activities(properties.get("activities"), f"{file}: properties.activities"))
    for path, node in walk_json(properties, f"{file}: properties"):
        if not isinstance(node, Mapping):
            continue
        owner = max((a for a in activities if path == a or path.startswith((f"{a}.", f"{a}["))), key=len, default=None)
        activity = activities.get(owner) if owner is not None else None
        part = next(
            (p for p in ("source", "sink") if owner is not None and path.startswith(f"{owner}.typeProperties.{p}")),
            None,
        )
        service = _runs_through(activity, part, datasets) if activity is not None else None
        if node.get("type") == "DatasetReference":
            dataset = datasets.get(str(node.get("referenceName", "")).lower())
            if dataset is not None:
                where = f"{path} -> dataset {node.get('referenceName')}"
                found += [
                    Located(ref, _service_of(dataset)) for ref in dataset_tables(dataset, where, node.get("parameters"))
                ]
        for key in SQL_TEXT_KEYS:
            text = _literal(node.get(key))
            if text is not None and text.strip():
                texts.append(SqlText(text, f"{path}.{key}", service))
                found += [Located(ref, service) for ref in _sql_text_tables(text, f"{path}.{key}")]
        for key in PROCEDURE_KEYS:
            procedure = _literal(node.get(key))
            if procedure is not None and procedure.strip():
                ref = SqlReference(ObjectKind.PROCEDURE, qualify(procedure), f"{path}.{key}")
                found.append(Located(ref, service))
    return found, texts


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
    return [located.ref for located in located_references(document, file, datasets)[0]]


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


PLATFORM_SQL_VALUE = "sql.server"
"""The stack value of the platform's own database server: a linked service whose server overrides.json fills with
it (`{"path": "properties.typeProperties.server", "stackValue": "sql.server"}`) is the platform's database, the
one `sql/` defines."""

SQL_DIALECTS: Mapping[str, str] = {
    **dict.fromkeys(
        ("AzureSqlDatabase", "SqlServer", "AzureSqlMI", "AzureSqlDW", "AmazonRdsForSqlServer", "Warehouse"), "tsql"
    ),
    **dict.fromkeys(("Oracle", "AmazonRdsForOracle"), "oracle"),
    **dict.fromkeys(("PostgreSql", "PostgreSqlV2", "AzurePostgreSql", "Greenplum"), "postgres"),
    **dict.fromkeys(("MySql", "AzureMySql", "MariaDB", "AzureMariaDB"), "mysql"),
    **dict.fromkeys(("Snowflake", "SnowflakeV2"), "snowflake"),
    **dict.fromkeys(("AzureDatabricks", "AzureDatabricksDeltaLake"), "databricks"),
    **dict.fromkeys(("GoogleBigQuery", "GoogleBigQueryV2"), "bigquery"),
    "AmazonRedshift": "redshift",
    "Teradata": "teradata",
    "Hive": "hive",
    "Spark": "spark",
    "Presto": "presto",
}
"""The SQL dialect each database's linked service type speaks, for sqlglot (its dialect names); a query through any
other type is not checked."""


def platform_sql_services(content_dir: Path, items: Iterable[AdfItem]) -> frozenset[str]:
    """The linked services (lower case) that connect to the platform's own database: those whose server
    overrides.json sets to the stack value PLATFORM_SQL_VALUE, in any section, by name or wildcard."""
    try:
        document = json.loads((content_dir / "overrides.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return frozenset()  # no file, or one the ADF loader reports
    patterns = [
        target.split("/", 1)[1].lower()
        for section in (document.values() if isinstance(document, dict) else [])
        if isinstance(section, dict)
        for target, entries in section.items()
        if isinstance(target, str)
        and target.startswith("linkedService/")
        and isinstance(entries, list)
        and any(isinstance(entry, dict) and entry.get("stackValue") == PLATFORM_SQL_VALUE for entry in entries)
    ]
    names = {item.name.lower() for item in items if item.kind == "linkedService"}
    return frozenset(name for name in names if any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns))


def syntax_problems(texts: Iterable[SqlText], services: Iterable[AdfItem]) -> list[str]:
    """Queries and scripts for another database, parsed in its dialect: only a syntax error is a problem (sqlglot
    returns what it does not model as an opaque command, which is not one)."""
    by_name = {item.name.lower(): item for item in services if item.kind == "linkedService"}
    problems = []
    for text in texts:
        service = by_name.get(text.service or "")
        adf_type = str(service.properties.get("type")) if service is not None else None
        dialect = SQL_DIALECTS.get(adf_type or "")
        if dialect is None:
            continue
        try:
            sqlglot.parse(text.text, read=dialect)
        except (ParseError, TokenError) as error:
            details = getattr(error, "errors", None) or [{"description": str(error)}]
            problems.append(
                f"{text.where}: not valid {dialect} SQL for linked service '{service.name if service else ''}' "
                f"({adf_type}): "
                f"{details[0].get('description')} (parsed with sqlglot)"
            )
    return problems


def project_problems(items: Iterable[AdfItem], sql_dir: Path, content_dir: Path | None = None) -> list[str]:
    """Everything wrong between `sql/` and the ADF content: scripts that do not parse, scripts that use
    objects no earlier script defines, and tables or procedures that the pipelines and datasets name through the
    platform's own SQL linked service (platform_sql_services) but no script defines. Queries for any other
    database are parsed in its dialect and checked for syntax only. `items` are what the ADF loader read from
    `content_dir` (by default `pipelines_json/` beside `sql_dir`); content errors are the loader's to report."""
    try:
        discover(sql_dir)
        catalog = load_catalog(sql_dir)
    except (SqlInputError, SqlScriptError) as exc:
        return str(exc).splitlines()
    items = list(items)
    platform = platform_sql_services(content_dir or sql_dir.parent / PIPELINES_FOLDER, items)
    problems = script_problems(catalog)
    datasets = documents(items, "dataset")
    pipelines = documents(items, "pipeline")
    dataset_documents = {name: document for name, (_file, document) in datasets.items()}
    refs: list[SqlReference] = []
    texts: list[SqlText] = []
    for file, document in pipelines.values():
        located, found_texts = located_references(document, file, dataset_documents)
        # A pipeline's list of tables says no linked service: it is the platform's when the pipeline uses the platform.
        uses_platform = any(item.service in platform for item in located)
        refs += [item.ref for item in located if item.service in platform or (item.service is None and uses_platform)]
        texts += [text for text in found_texts if text.service not in platform]
    for file, document in datasets.values():
        if _service_of(document) in platform:
            refs += dataset_tables(document, f"{file}: properties")
    return problems + missing_objects(refs, catalog) + syntax_problems(texts, items)
