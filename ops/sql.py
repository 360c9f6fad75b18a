"""`python -m ops sql apply`: apply the versioned T-SQL scripts in `sql/` to a stack's database.

Scripts are named `V<version>__<what>.sql` and applied once each, in version order.
A journal table (`dbo.schema_versions`) records each applied script with its SHA-256;
a script that changed after it was applied is refused, because the database already
holds the old version: add a new script instead. Each script runs in one transaction,
so a failing script leaves nothing half-applied. Batches are separated by `GO` lines,
as in sqlcmd, and `$(Name)` sqlcmd variables are filled from the command line.

The connection authenticates with Entra ID (`ActiveDirectoryDefault`: the pipeline's
workload identity, or `az login` locally); no password is involved.

Exit codes: 0 applied (or nothing to apply); 2 bad input (a script name, a missing
variable, a changed script, missing coordinates); 3 the database refused a script.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
_SCRIPT_NAME = re.compile(r"^V(\d{3,})__([A-Za-z0-9_]+)\.sql$")
_GO = re.compile(r"^\s*GO\s*(?:--.*)?$", re.IGNORECASE | re.MULTILINE)
_VARIABLE = re.compile(r"\$\((\w+)\)")

JOURNAL_DDL = """IF OBJECT_ID(N'dbo.schema_versions', N'U') IS NULL
CREATE TABLE dbo.schema_versions (
    version int NOT NULL CONSTRAINT PK_schema_versions PRIMARY KEY,
    script nvarchar(256) NOT NULL,
    checksum char(64) NOT NULL,
    applied_at datetime2 NOT NULL CONSTRAINT DF_schema_versions_applied_at DEFAULT SYSUTCDATETIME(),
    applied_by nvarchar(256) NOT NULL CONSTRAINT DF_schema_versions_applied_by DEFAULT SUSER_SNAME()
)"""
JOURNAL_SELECT = "SELECT version, script, checksum FROM dbo.schema_versions"
JOURNAL_INSERT = "INSERT INTO dbo.schema_versions (version, script, checksum) VALUES (?, ?, ?)"


class SqlInputError(Exception):
    """The scripts or the variables are wrong; nothing was sent to the database."""


class SqlApplyError(Exception):
    """The database refused a script; that script's transaction was rolled back."""


class Cursor(Protocol):
    def execute(self, operation: str, parameters: Sequence[Any] = ..., /) -> Any: ...
    def fetchall(self) -> Sequence[Sequence[Any]]: ...


class Connection(Protocol):
    def cursor(self) -> Cursor: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


@dataclass(frozen=True)
class Script:
    """One versioned script."""

    version: int
    path: Path
    text: str

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    def variables(self) -> set[str]:
        return set(_VARIABLE.findall(self.text))

    def batches(self, variables: Mapping[str, str]) -> list[str]:
        """The script's batches with `$(Name)` filled in."""
        missing = sorted(self.variables() - set(variables))
        if missing:
            raise SqlInputError(f"sql/{self.name}: needs the variable(s) {', '.join(missing)}; pass --var NAME=VALUE")
        text = _VARIABLE.sub(lambda m: variables[m.group(1)], self.text)
        return [batch.strip() for batch in _GO.split(text) if batch.strip()]


def discover(sql_dir: Path = SQL_DIR) -> list[Script]:
    """Every script in version order; a badly named file or a repeated version is an error."""
    scripts: dict[int, Script] = {}
    problems = []
    for path in sorted(sql_dir.glob("*.sql")):
        match = _SCRIPT_NAME.match(path.name)
        if not match:
            problems.append(f"sql/{path.name}: expected a name like V001__create_tables.sql")
            continue
        version = int(match.group(1))
        if version in scripts:
            problems.append(f"sql/{path.name}: version {version} is also {scripts[version].name}")
            continue
        scripts[version] = Script(version, path, path.read_text(encoding="utf-8"))
    if problems:
        raise SqlInputError("\n".join(problems))
    return [scripts[v] for v in sorted(scripts)]


def apply(
    connection: Connection,
    scripts: Sequence[Script],
    variables: Mapping[str, str],
    log: Callable[[str], None] = print,
) -> list[Script]:
    """Apply the scripts the journal does not list yet; return them. Stops at the first failure."""
    for script in scripts:
        script.batches(variables)  # every variable is checked before anything runs
    cursor = connection.cursor()
    cursor.execute(JOURNAL_DDL)
    connection.commit()
    cursor.execute(JOURNAL_SELECT)
    journal = {int(row[0]): (str(row[1]), str(row[2]).strip()) for row in cursor.fetchall()}
    for script in scripts:
        if script.version in journal and journal[script.version][1] != script.checksum:
            raise SqlInputError(
                f"sql/{script.name} changed after it was applied as {journal[script.version][0]} "
                f"(checksum {journal[script.version][1][:12]}..., now {script.checksum[:12]}...); "
                "never edit an applied script, add a new version instead"
            )
    applied = []
    for script in scripts:
        if script.version in journal:
            continue
        batches = script.batches(variables)
        for index, batch in enumerate(batches, start=1):
            try:
                cursor.execute(batch)
            except Exception as exc:
                connection.rollback()
                raise SqlApplyError(f"sql/{script.name}: batch {index} of {len(batches)} failed: {exc}") from exc
        cursor.execute(JOURNAL_INSERT, (script.version, script.name, script.checksum))
        connection.commit()
        log(f"applied sql/{script.name}")
        applied.append(script)
    if not applied:
        log("the database is up to date")
    return applied


def connect(server: str, database: str) -> Connection:
    """A connection to Azure SQL as the current Entra ID identity (mssql-python bundles its driver)."""
    import mssql_python

    connection_string = (
        f"Server=tcp:{server},1433;Database={database};Authentication=ActiveDirectoryDefault;"
        "Encrypt=yes;TrustServerCertificate=no;Connection Timeout=60"
    )
    connection: Connection = mssql_python.connect(connection_string, autocommit=False)
    return connection


def _variables(pairs: Sequence[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise SqlInputError(f"--var {pair!r}: expected NAME=VALUE")
        out[name] = value
    return out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="sql_action", required=True)
    apply_parser = actions.add_parser("apply", help="apply the scripts in sql/ that the database lacks")
    apply_parser.add_argument("--stack", required=True, help="stack whose database to migrate")
    apply_parser.add_argument("--server", help="server FQDN (default: the stack output sql_server_fqdn)")
    apply_parser.add_argument("--database", help="database (default: the stack output sql_database_name)")
    apply_parser.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="sqlcmd variable; FactoryIdentityName defaults to the stack output factory_name",
    )


def main(args: argparse.Namespace, outputs: Callable[[str], Mapping[str, Any]] | None = None) -> int:
    """Resolve the database and variables from flags or stack outputs, then apply."""
    try:
        scripts = discover()
        variables = _variables(args.var)
        server, database = args.server, args.database
        if not (server and database and "FactoryIdentityName" in variables):
            if outputs is None:
                from ops.arm import stack_outputs as outputs
            found = outputs(args.stack)
            server = server or found.get("sql_server_fqdn")
            database = database or found.get("sql_database_name")
            variables.setdefault("FactoryIdentityName", str(found.get("factory_name", "")))
        if not server or not database or not variables.get("FactoryIdentityName"):
            raise SqlInputError("pass --server, --database and --var FactoryIdentityName=<factory>, or deploy first")
    except (SqlInputError, LookupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        apply(connect(server, database), scripts, variables)
    except SqlInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except SqlApplyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    return 0
