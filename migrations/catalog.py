"""The database objects `sql/*.sql` defines, and the ones the factory's content in `pipelines_json/` names.

Scripts are parsed with sqlglot (T-SQL dialect), one batch at a time: sqlcmd splits a script on
`GO` lines, and `CREATE PROCEDURE` must be alone in its batch. sqlcmd variables (`$(Name)`) are
replaced with sample values first, as sqlcmd would.

How sqlglot (30.x) represents what the scripts use:

* `CREATE [OR ALTER] PROCEDURE` parses to `Create(kind="PROCEDURE")` whose `this` is a
  `StoredProcedure` holding the name and parameters and whose `expression` is the body, a `Block`
  of parsed statements. When it cannot parse the body (for example, a body whose last statement
  has no semicolon before `END`), it falls back to one opaque `Command` for the whole batch; the
  procedure name is then read from the command's text and the body is parsed on its own.
* `IF ... BEGIN ... END` parses to an `IfBlock` with the nested statements inside.
* `GRANT`, `ALTER ROLE`, `CREATE USER` and `CREATE SCHEMA ... AUTHORIZATION` are not modelled and
  come back as opaque `Command`s, so their syntax is not checked. Any other statement that comes
  back as a `Command` is reported as unparseable: that is how a typo such as `CREATE TABEL` shows up.
* Dynamic SQL in `EXEC sp_executesql N'...'` is parsed too (V001 creates schemas that way).

sqlglot accepts some invalid T-SQL (it is a transpiler, not SQL Server's parser) and rejects
some valid T-SQL (`THROW` with arguments, `SET NOCOUNT, XACT_ABORT ON`), so the scripts avoid the
latter; the parse is a syntax smoke test and the source of the object catalog, not a full validator.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from adf.model import AdfItem
from adf.walk import walk_json
from migrations.scripts import SCRIPT_NAME, SQLCMD_VARIABLE, SqlInputError, discover, split_batches
from stack.errors import InputError
from stack.paths import PIPELINES_DIR, SQL_DIR

# sqlglot logs each statement it keeps opaque (GRANT, CREATE USER, ...); those are expected here.
logging.getLogger("sqlglot").setLevel(logging.ERROR)


DIALECT = "tsql"
DEFAULT_SCHEMA = "dbo"
BUILTIN_SCHEMAS = frozenset({"dbo", "sys", "information_schema"})
"""Schemas that exist in every database; references to sys/information_schema are not checked."""

SQLCMD_SAMPLE_VALUES: Mapping[str, str] = {
    "FactoryIdentityName": "adf-konnektmack-dev-weu-0000",
    "FactoryIdentitySid": "0x1F2E3D4C5B6A79881122334455667788",
}
"""A sample value for every sqlcmd variable the scripts may use (the delivery pipeline passes the real ones)."""

"""`V001__what_it_does.sql`: applied in version order."""

OPAQUE_STATEMENTS = ("GRANT", "REVOKE", "DENY", "ALTER ROLE", "CREATE USER", "ALTER USER", "CREATE SCHEMA")
"""Statements sqlglot returns as an unparsed `Command`; any other `Command` is treated as a parse error."""

SQL_TABLE_DATASETS = frozenset({"AzureSqlTable", "SqlServerTable", "AzureSqlMITable", "AzureSqlDWTable"})
SQL_TEXT_KEYS = ("preCopyScript", "sqlReaderQuery")
PROCEDURE_KEYS = ("storedProcedureName", "sqlReaderStoredProcedureName", "sqlWriterStoredProcedureName")

_NAME = r"(?:\[[^\]]+\]|[A-Za-z_#@][\w@$#]*)"
_QUALIFIED = rf"{_NAME}(?:\s*\.\s*{_NAME}){{0,2}}"
_PROCEDURE_HEAD = re.compile(
    rf"^\s*CREATE\s+(?:OR\s+ALTER\s+)?PROC(?:EDURE)?\s+(?P<name>{_QUALIFIED})(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_AS_KEYWORD = re.compile(r"\bAS\b", re.IGNORECASE)
_BEGIN_END = re.compile(r"^\s*BEGIN\b(?P<body>.*)\bEND\s*;?\s*$", re.IGNORECASE | re.DOTALL)
_SCHEMA_HEAD = re.compile(rf"^\s*CREATE\s+SCHEMA\s+(?P<name>{_NAME})", re.IGNORECASE)
_GRANT_OBJECT = re.compile(rf"\bON\s+OBJECT\s*::\s*(?P<name>{_QUALIFIED})", re.IGNORECASE)
_DATASET_PARAMETER = re.compile(r"^@dataset\(\)\.([A-Za-z_]\w*)$")


class SqlScriptError(InputError):
    """SQL that cannot be parsed; the message names the file (and line) it came from."""


@dataclass(frozen=True)
class SqlReference:
    """A table, procedure or schema that something names."""

    kind: str
    """"table", "procedure", "schema", or "object" (a GRANT target: a table or a procedure)."""
    name: str
    """Lower-case `schema.object` (or the schema name)."""
    where: str
    """The file and position that names it."""


@dataclass
class ParsedScript:
    """One script: its statements and what it defines and references."""

    file: str
    version: int
    statements: list[exp.Expr] = field(default_factory=list)
    tables: set[str] = field(default_factory=set)
    procedures: set[str] = field(default_factory=set)
    schemas: set[str] = field(default_factory=set)
    references: list[SqlReference] = field(default_factory=list)


@dataclass
class SqlCatalog:
    """Every object the scripts define, with the script that first defines it."""

    scripts: list[ParsedScript]
    tables: dict[str, ParsedScript]
    procedures: dict[str, ParsedScript]
    schemas: dict[str, ParsedScript]

    def defines(self, ref: SqlReference) -> bool:
        if ref.kind == "schema":
            return ref.name in BUILTIN_SCHEMAS or ref.name in self.schemas
        objects = self.tables if ref.kind == "table" else self.procedures
        return ref.name in objects

    def defined(self, kind: str) -> list[str]:
        objects = {"table": self.tables, "procedure": self.procedures, "schema": self.schemas}[kind]
        return sorted(objects)


# ------------------------------------------------------------------------------------------ names


def _strip_brackets(part: str) -> str:
    part = part.strip()
    return part[1:-1] if part.startswith("[") and part.endswith("]") else part


def qualify(name: str) -> str:
    """`[dbo].[users]`, `dbo.users` or `users` -> `dbo.users` (lower case; a database part is dropped)."""
    try:
        table = exp.to_table(name.strip(), dialect=DIALECT)
        schema, obj = table.db, table.name
    except (ParseError, TokenError):
        parts = [_strip_brackets(p) for p in name.split(".")]
        schema, obj = (parts[-2] if len(parts) > 1 else ""), parts[-1]
    return f"{schema or DEFAULT_SCHEMA}.{obj}".lower()


def _table_name(table: exp.Table) -> str:
    return f"{table.db or DEFAULT_SCHEMA}.{table.name}".lower()


# ---------------------------------------------------------------------------------------- parsing


def substitute_sqlcmd_variables(text: str, file: str, values: Mapping[str, str] = SQLCMD_SAMPLE_VALUES) -> str:
    """Replace `$(Name)` as sqlcmd does; an unknown variable is an error naming the file."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            line = text.count("\n", 0, match.start()) + 1
            known = ", ".join(sorted(values)) or "none"
            raise SqlScriptError(f"{file}: line {line}: unknown sqlcmd variable $({name}); known: {known}")
        return values[name]

    return SQLCMD_VARIABLE.sub(replace, text)


def _parse_error(file: str, line: int, error: Exception) -> SqlScriptError:
    details = getattr(error, "errors", None) or []
    if details:
        first = details[0]
        where = f"line {line + int(first.get('line') or 1) - 1}, column {first.get('col')}"
        return SqlScriptError(f"{file}: {where}: {first.get('description')}")
    return SqlScriptError(f"{file}: batch starting on line {line}: {error}")


def parse_sql(text: str, file: str, line: int = 1) -> list[exp.Expr]:
    """Parse T-SQL statements; raise SqlScriptError naming `file` (and the line) on a syntax error.

    A `CREATE PROCEDURE` that sqlglot returns as an opaque `Command` is re-parsed as its body, so
    its statements are still checked; other opaque commands must be one of OPAQUE_STATEMENTS.
    """
    try:
        parsed = sqlglot.parse(text, read=DIALECT)
    except (ParseError, TokenError) as error:
        raise _parse_error(file, line, error) from error
    statements: list[exp.Expr] = []
    for statement in parsed:
        if statement is None:
            continue
        statements.append(statement)
        for command in statement.find_all(exp.Command):
            command_text = command.sql(dialect=DIALECT)
            procedure = procedure_from_command(command_text)
            if procedure is not None:
                _name, body = procedure
                statements.extend(parse_sql(body, file, _line_of(body, text, line)))
            elif not command_text.upper().startswith(OPAQUE_STATEMENTS):
                head = " ".join(command_text.split())[:60]
                raise SqlScriptError(
                    f"{file}: batch starting on line {line}: sqlglot cannot parse '{head}...' "
                    f"(only {', '.join(OPAQUE_STATEMENTS)} may stay unparsed)"
                )
    return statements


def _line_of(fragment: str, text: str, line: int) -> int:
    """The line `fragment` starts on, given that `text` starts on `line` (`line` if it is not found verbatim)."""
    head = fragment.lstrip("\n")
    position = text.find(head[:200]) if head.strip() else -1
    return line + text.count("\n", 0, position) if position >= 0 else line


def procedure_from_command(text: str) -> tuple[str, str] | None:
    """(qualified name, body) of a `CREATE [OR ALTER] PROC[EDURE]` statement given as text, else None."""
    match = _PROCEDURE_HEAD.match(text)
    if match is None:
        return None
    as_keyword = _AS_KEYWORD.search(match.group("rest"))
    body = match.group("rest")[as_keyword.end() :] if as_keyword else ""
    block = _BEGIN_END.match(body)
    return qualify(match.group("name")), (block.group("body") if block else body)


def _dynamic_sql(statement: exp.Expr) -> Iterator[str]:
    """The literal SQL strings passed to `EXEC sp_executesql`."""
    for execute in statement.find_all(exp.ExecuteSql):
        for argument in execute.expressions:
            if isinstance(argument, exp.National) or (isinstance(argument, exp.Literal) and argument.is_string):
                yield str(argument.this)


def _ctes(statement: exp.Expr) -> set[str]:
    return {cte.alias.lower() for cte in statement.find_all(exp.CTE) if cte.alias}


def referenced_tables(statement: exp.Expr) -> set[str]:
    """Tables a statement reads or writes (CTE names, system schemas and EXEC targets left out)."""
    ctes = _ctes(statement)
    names: set[str] = set()
    for table in statement.find_all(exp.Table):
        if not table.name or isinstance(table.parent, (exp.ExecuteSql, exp.Execute, exp.StoredProcedure)):
            continue
        if isinstance(table.parent, exp.Schema) and isinstance(table.parent.parent, exp.Create):
            continue  # the table a CREATE TABLE defines
        if not table.db and table.name.lower() in ctes:
            continue
        if table.db.lower() in ("sys", "information_schema") or table.name.startswith(("#", "@")):
            continue
        names.add(_table_name(table))
    return names


def _collect(statement: exp.Expr, script: ParsedScript, where: str) -> None:
    """Record what one parsed statement defines and references."""
    for create in statement.find_all(exp.Create):
        kind = str(create.args.get("kind") or "").upper()
        target = create.this
        if kind == "TABLE":
            table = target.this if isinstance(target, exp.Schema) else target
            if isinstance(table, exp.Table):
                script.tables.add(_table_name(table))
                script.references.append(SqlReference("schema", (table.db or DEFAULT_SCHEMA).lower(), where))
        elif kind in ("PROCEDURE", "PROC"):
            table = target.find(exp.Table) if target is not None else None
            if isinstance(table, exp.Table):
                script.procedures.add(_table_name(table))
                script.references.append(SqlReference("schema", (table.db or DEFAULT_SCHEMA).lower(), where))
        elif kind == "SCHEMA" and target is not None:
            script.schemas.add(target.name.lower())
    for command in statement.find_all(exp.Command):
        text = command.sql(dialect=DIALECT)
        schema = _SCHEMA_HEAD.match(text)
        if schema:
            script.schemas.add(_strip_brackets(schema.group("name")).lower())
        procedure = procedure_from_command(text)
        if procedure:
            script.procedures.add(procedure[0])
        grant = _GRANT_OBJECT.search(text)
        if grant and text.upper().startswith(("GRANT", "DENY", "REVOKE")):
            name = qualify(grant.group("name"))
            script.references.append(SqlReference("object", name, where))
    for table in sorted(referenced_tables(statement)):
        script.references.append(SqlReference("table", table, where))


def parse_script(text: str, file: str, values: Mapping[str, str] = SQLCMD_SAMPLE_VALUES) -> ParsedScript:
    """Parse one script, batch by batch; raise SqlScriptError naming the file on the first syntax error."""
    match = SCRIPT_NAME.match(Path(file).name)
    script = ParsedScript(file=file, version=int(match.group("version")) if match else 0)
    text = substitute_sqlcmd_variables(text, file, values)
    for line, batch in split_batches(text):
        for statement in parse_sql(batch, file, line):
            script.statements.append(statement)
            where = f"{file}: batch starting on line {line}"
            _collect(statement, script, where)
            for sql in _dynamic_sql(statement):
                for inner in parse_sql(sql, file, line):
                    script.statements.append(inner)
                    _collect(inner, script, where)
    return script


def script_files(sql_dir: Path = SQL_DIR) -> list[Path]:
    """The scripts, in the order they are applied."""
    return sorted(sql_dir.glob("*.sql"), key=lambda path: path.name)


def load_catalog(sql_dir: Path = SQL_DIR, values: Mapping[str, str] = SQLCMD_SAMPLE_VALUES) -> SqlCatalog:
    """Parse every script under `sql_dir` and collect what they define."""
    scripts = [
        parse_script(path.read_text(encoding="utf-8"), path.relative_to(sql_dir.parent).as_posix(), values)
        for path in script_files(sql_dir)
    ]
    return build_catalog(scripts)


def build_catalog(scripts: Iterable[ParsedScript]) -> SqlCatalog:
    catalog = SqlCatalog(scripts=list(scripts), tables={}, procedures={}, schemas={})
    for script in catalog.scripts:
        for name in script.tables:
            catalog.tables.setdefault(name, script)
        for name in script.procedures:
            catalog.procedures.setdefault(name, script)
        for name in script.schemas:
            catalog.schemas.setdefault(name, script)
    return catalog


def script_problems(catalog: SqlCatalog) -> list[str]:
    """References inside the scripts to objects no earlier (or the same) script defines."""
    problems: list[str] = []
    order = {id(script): index for index, script in enumerate(catalog.scripts)}
    for index, script in enumerate(catalog.scripts):
        for ref in script.references:
            if ref.kind == "schema" and ref.name in BUILTIN_SCHEMAS:
                continue
            candidates: dict[str, ParsedScript] = {}
            if ref.kind in ("table", "object"):
                candidates.update(catalog.tables)
            if ref.kind in ("procedure", "object"):
                candidates.update(catalog.procedures)
            if ref.kind == "schema":
                candidates.update(catalog.schemas)
            definer = candidates.get(ref.name)
            if definer is None:
                problems.append(f"{ref.where}: {ref.kind} {ref.name} is not defined in {SQL_DIR.name}/")
            elif order[id(definer)] > index:
                problems.append(f"{ref.where}: {ref.kind} {ref.name} is only defined later, in {definer.file}")
    return problems


# -------------------------------------------------------------------------------- pipelines_json/


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
        return [SqlReference("table", qualify(f"[{schema}].[{table}]"), f"{where}.typeProperties.table")]
    table_name = _resolve(type_properties.get("tableName"), passed, declared)
    if table_name is not None:
        return [SqlReference("table", qualify(table_name), f"{where}.typeProperties.tableName")]
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
    return [SqlReference("table", name, where) for name in sorted(tables)]


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
                refs.append(SqlReference("table", qualify(f"[{schema}].[{entry['table']}]"), where))
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
                refs.append(SqlReference("procedure", qualify(procedure), f"{path}.{key}"))
    return refs


def missing_objects(refs: Iterable[SqlReference], catalog: SqlCatalog) -> list[str]:
    """One message per reference to a table or procedure no script defines."""
    problems = []
    for ref in refs:
        if not catalog.defines(ref):
            known = ", ".join(catalog.defined(ref.kind)) or "none"
            problems.append(f"{ref.where}: {ref.kind} {ref.name} is not defined in {SQL_DIR.name}/; defined: {known}")
    return problems


def documents(items: Iterable[AdfItem], kind: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """`{lower-case name: (repo-relative file, document)}` of every item of one kind (e.g. "pipeline")."""
    return {item.name.lower(): (item.file, item.document) for item in items if item.kind == kind}


def load_json_documents(kind: str, root: Path = PIPELINES_DIR) -> dict[str, tuple[str, dict[str, Any]]]:
    """The documents of one kind, read by the ADF loader (the one reader of `pipelines_json/`)."""
    from adf.load import inspect_content

    found, _ordered, _overrides = inspect_content(root, with_overrides=False)
    return documents(found.items, kind)


def project_problems(items: Iterable[AdfItem], sql_dir: Path = SQL_DIR) -> list[str]:
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
