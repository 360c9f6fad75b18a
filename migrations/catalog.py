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

import functools
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from migrations.scripts import SCRIPT_NAME, SQLCMD_VARIABLE, split_batches
from stack.errors import InputError
from stack.paths import SQL_FOLDER

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

OPAQUE_STATEMENTS = ("GRANT", "REVOKE", "DENY", "ALTER ROLE", "CREATE USER", "ALTER USER", "CREATE SCHEMA")
"""Statements sqlglot returns as an unparsed `Command`; any other `Command` is treated as a parse error."""


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


class SqlScriptError(InputError):
    """SQL that cannot be parsed; the message names the file (and line) it came from."""


class ObjectKind(StrEnum):
    """What kind of database object a reference names; messages say it as written here."""

    TABLE = "table"
    PROCEDURE = "procedure"
    SCHEMA = "schema"
    OBJECT = "object"
    """A GRANT target: a table or a procedure."""


@dataclass(frozen=True)
class SqlReference:
    """A table, procedure or schema that something names."""

    kind: ObjectKind
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
        if ref.kind is ObjectKind.SCHEMA:
            return ref.name in BUILTIN_SCHEMAS or ref.name in self.schemas
        return ref.name in self.definitions(ref.kind)

    def definitions(self, kind: ObjectKind) -> dict[str, ParsedScript]:
        """The objects a reference of `kind` may name, with the script that first defines each."""
        if kind is ObjectKind.TABLE:
            return self.tables
        if kind is ObjectKind.PROCEDURE:
            return self.procedures
        if kind is ObjectKind.SCHEMA:
            return self.schemas
        return {**self.tables, **self.procedures}

    def defined(self, kind: ObjectKind) -> list[str]:
        return sorted(self.definitions(kind))


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
                script.references.append(SqlReference(ObjectKind.SCHEMA, (table.db or DEFAULT_SCHEMA).lower(), where))
        elif kind in ("PROCEDURE", "PROC"):
            table = target.find(exp.Table) if target is not None else None
            if isinstance(table, exp.Table):
                script.procedures.add(_table_name(table))
                script.references.append(SqlReference(ObjectKind.SCHEMA, (table.db or DEFAULT_SCHEMA).lower(), where))
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
            script.references.append(SqlReference(ObjectKind.OBJECT, name, where))
    for table in sorted(referenced_tables(statement)):
        script.references.append(SqlReference(ObjectKind.TABLE, table, where))


def parse_script(text: str, file: str, values: Mapping[str, str] = SQLCMD_SAMPLE_VALUES) -> ParsedScript:
    """Parse one script, batch by batch; raise SqlScriptError naming the file on the first syntax error.

    The parse is a function of the text, the file name and the values alone, and every plan parses the same
    scripts again (a tenth of a warm plan's time), so a script is parsed once per process and the result shared:
    nothing changes a ParsedScript once it is built."""
    return _parse_script(text, file, tuple(sorted(values.items())))


@functools.lru_cache(maxsize=256)
def _parse_script(text: str, file: str, values: tuple[tuple[str, str], ...]) -> ParsedScript:
    match = SCRIPT_NAME.match(Path(file).name)
    script = ParsedScript(file=file, version=int(match.group("version")) if match else 0)
    text = substitute_sqlcmd_variables(text, file, dict(values))
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


def script_files(sql_dir: Path) -> list[Path]:
    """The scripts, in the order they are applied."""
    return sorted(sql_dir.glob("*.sql"), key=lambda path: path.name)


def load_catalog(sql_dir: Path, values: Mapping[str, str] = SQLCMD_SAMPLE_VALUES) -> SqlCatalog:
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
            if ref.kind is ObjectKind.SCHEMA and ref.name in BUILTIN_SCHEMAS:
                continue
            definer = catalog.definitions(ref.kind).get(ref.name)
            if definer is None:
                problems.append(f"{ref.where}: {ref.kind} {ref.name} is not defined in {SQL_FOLDER}/")
            elif order[id(definer)] > index:
                problems.append(f"{ref.where}: {ref.kind} {ref.name} is only defined later, in {definer.file}")
    return problems
