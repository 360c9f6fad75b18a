"""The versioned T-SQL scripts in `sql/`: discovery, batches, the checksum journal and applying them.

Scripts are named `V<version>__<what>.sql` and applied once each, in version order.
A journal table (`dbo.schema_versions`) records each applied script with its SHA-256;
a script that changed after it was applied is refused, because the database already
holds the old version: add a new script instead. Each script runs in one transaction,
so a failing script leaves nothing half-applied. Batches are separated by `GO` lines,
as in sqlcmd, and `$(Name)` sqlcmd variables are filled by the caller.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from stack.errors import AzureRefusedError, InputError

SCRIPT_NAME = re.compile(r"^V(?P<version>\d{3})__[a-z0-9]+(?:_[a-z0-9]+)*\.sql$")
"""`V001__create_tables.sql`: three digits, then lowercase words joined by underscores."""
GO = re.compile(r"^[ \t]*GO(?:[ \t]+\d+)?[ \t]*(?:--[^\n]*)?$", re.IGNORECASE | re.MULTILINE)
"""sqlcmd's batch separator: a line holding only GO (with an optional count and comment)."""
SQLCMD_VARIABLE = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


def split_batches(text: str) -> list[tuple[int, str]]:
    """The script's batches (split on `GO` lines) with the 1-based line each starts on; blank batches dropped."""
    batches: list[tuple[int, str]] = []
    start = 0
    for match in GO.finditer(text):
        batches.append((start, text[start : match.start()]))
        start = match.end() + 1  # past the GO line's newline
    batches.append((start, text[start:]))
    return [(text.count("\n", 0, offset) + 1, batch) for offset, batch in batches if batch.strip()]


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


class SqlInputError(InputError):
    """The scripts or the variables are wrong; nothing was sent to the database."""


class SqlApplyError(AzureRefusedError):
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
        return set(SQLCMD_VARIABLE.findall(self.text))

    def batches(self, variables: Mapping[str, str]) -> list[str]:
        """The script's batches with `$(Name)` filled in."""
        missing = sorted(self.variables() - set(variables))
        if missing:
            raise SqlInputError(f"sql/{self.name}: needs the variable(s) {', '.join(missing)}; pass --var NAME=VALUE")
        text = SQLCMD_VARIABLE.sub(lambda m: variables[m.group(1)], self.text)
        return [batch.strip() for _line, batch in split_batches(text)]


def discover(sql_dir: Path) -> list[Script]:
    """Every script in version order; a badly named file or a repeated version is an error."""
    scripts: dict[int, Script] = {}
    problems = []
    for path in sorted(sql_dir.glob("*.sql")):
        match = SCRIPT_NAME.match(path.name)
        if not match:
            problems.append(f"sql/{path.name}: expected a name like V001__create_tables.sql")
            continue
        version = int(match.group("version"))
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
    try:
        cursor.execute(JOURNAL_DDL)
        connection.commit()
        cursor.execute(JOURNAL_SELECT)
        journal = {int(row[0]): (str(row[1]), str(row[2]).strip()) for row in cursor.fetchall()}
    except Exception as exc:
        raise SqlApplyError(f"cannot read or create the journal table dbo.schema_versions: {exc}") from exc
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
