"""Applying the versioned T-SQL scripts in `sql/` to a stack's database: what `ops sql apply` runs.

Scripts are named `V<version>__<what>.sql` and applied once each, in version order.
A journal table (`dbo.schema_versions`) records each applied script with its SHA-256;
a script that changed after it was applied is refused, because the database already
holds the old version: add a new script instead. Each script runs in one transaction,
so a failing script leaves nothing half-applied. Batches are separated by `GO` lines,
as in sqlcmd, and `$(Name)` sqlcmd variables are filled from the command line.

The connection authenticates with Entra ID (`ActiveDirectoryDefault`: the pipeline's
workload identity, or `az login` locally); no password is involved.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from migrations.scripts import Connection, Script, SqlInputError, apply
from ops.factory import DEFAULT_ENDPOINT, Factory, FactoryCoordinates, OutputsSource
from stack.errors import AzureRefusedError


def connect(server: str, database: str) -> Connection:
    """A connection to Azure SQL as the current Entra ID identity (mssql-python bundles its driver)."""
    import mssql_python

    connection_string = (
        f"Server=tcp:{server},1433;Database={database};Authentication=ActiveDirectoryDefault;"
        "Encrypt=yes;TrustServerCertificate=no;Connection Timeout=60"
    )
    return cast(Connection, mssql_python.connect(connection_string, autocommit=False))


# Errors a login may meet while the database is briefly unavailable; retried, everything else fails at once.
# 40613: a paused serverless database refuses the first login and resumes, usually within a minute
#   (https://learn.microsoft.com/azure/azure-sql/database/serverless-tier-auto-pause-resume, "Troubleshooting
#   auto-resume connectivity"; dev and test auto-pause). 40197 and 40501: the service is reconfiguring or busy.
#   All three are Microsoft's documented transient errors, to be retried after a delay
#   (https://learn.microsoft.com/azure/azure-sql/database/troubleshoot-common-errors-issues, "Transient fault
#   error messages (40197, 40613 and others)").
TRANSIENT_CONNECT_ERRORS = (40613, 40197, 40501)
# Backoff as Microsoft's retry guidance suggests: about 5 s first, doubling, capped at 60 s, with a total (135 s)
# well above the usual resume time (https://learn.microsoft.com/azure/azure-sql/database/troubleshoot-common-connectivity-issues).
CONNECT_DELAYS = (5.0, 10.0, 20.0, 40.0, 60.0)


def transient_error(exc: BaseException) -> int | None:
    """The transient SQL error number in a driver error's text (ODBC puts it there, e.g. "... (40613)"), else None."""
    text = " ".join([str(exc), *map(str, getattr(exc, "args", ()))])
    for number in TRANSIENT_CONNECT_ERRORS:
        if re.search(rf"(?<!\d){number}(?!\d)", text):
            return number
    return None


def connect_with_retry(
    connect_once: Callable[[], Connection],
    *,
    delays: Sequence[float] = CONNECT_DELAYS,
    sleep: Callable[[float], None] = time.sleep,
    log: Callable[[str], None] = print,
) -> Connection:
    """`connect_once()`, retried after each delay while it fails with a transient error; bounded by `delays`."""
    for attempt, delay in enumerate([*delays, None], start=1):
        try:
            return connect_once()
        except Exception as exc:
            number = transient_error(exc)
            if number is None or delay is None:
                raise
            log(f"database unavailable (error {number}), attempt {attempt}; retrying in {delay:g} s")
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


# The system-assigned identity of a resource, read through ARM (no Microsoft Graph permission needed): its
# properties carry clientId besides principalId. Operation SystemAssignedIdentities_GetByScope,
# GET {scope}/providers/Microsoft.ManagedIdentity/identities/default
# (https://learn.microsoft.com/dotnet/api/azure.resourcemanager.managedserviceidentities.systemassignedidentityresource.get).
IDENTITY_API_VERSION = "2023-01-31"


def sid_literal(client_id: str) -> str:
    """A T-SQL varbinary(16) literal of the GUID, bytes in SQL Server's uniqueidentifier order (little-endian
    fields), i.e. what CAST(CAST('<guid>' AS uniqueidentifier) AS varbinary(16)) gives."""
    return "0x" + uuid.UUID(client_id).bytes_le.hex().upper()


def factory_client_id(
    factory: FactoryCoordinates, *, client: Factory | None = None, endpoint: str = DEFAULT_ENDPOINT
) -> str:
    """The application (client) id of the factory's system-assigned managed identity, read through ARM.

    The factory resource shows only the identity's principal id; the client id SQL needs for the SID is on the
    identity's own resource, `<factory>/providers/Microsoft.ManagedIdentity/identities/default`
    (https://learn.microsoft.com/rest/api/managedidentity/system-assigned-identities/get-by-scope).
    The read goes through the factory client's azure-core pipeline: its credential, retries and ARM's errors.
    """
    from azure.core.rest import HttpRequest

    from ops.factory import azure_refusals, connect

    identity = f"{factory.resource_id}/providers/Microsoft.ManagedIdentity/identities/default"
    request = HttpRequest("GET", identity, params={"api-version": IDENTITY_API_VERSION})
    with azure_refusals(f"reading the factory identity {identity}"):
        if client is not None:
            response = client.client.send_request(request)
        else:
            with connect(factory, endpoint=endpoint) as owned:
                response = owned.client.send_request(request)
        response.raise_for_status()
    try:
        body = response.json()
    except ValueError as exc:
        raise AzureRefusedError(f"reading the factory identity {identity}: the answer is not JSON") from exc
    properties = body.get("properties") if isinstance(body, dict) else None
    client_id = properties.get("clientId") if isinstance(properties, dict) else None
    if not client_id:
        raise SqlInputError(
            f"{factory.resource_id}: the factory has no system-assigned identity (no clientId); "
            "pass --var FactoryIdentitySid=0x<32 hex digits>"
        )
    return str(client_id)


@dataclass(frozen=True)
class SqlTarget:
    """The database to migrate and the sqlcmd variables its scripts are filled with."""

    server: str
    database: str
    variables: dict[str, str]


def parse_variables(pairs: Sequence[str]) -> dict[str, str]:
    """`NAME=VALUE` sqlcmd variables, by name."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise SqlInputError(f"--var {pair!r}: expected NAME=VALUE")
        out[name] = value
    return out


def _factory(found: Mapping[str, Any]) -> FactoryCoordinates:
    names = ("subscription_id", "resource_group_name", "factory_name")
    missing = [name for name in names if not found.get(name)]
    if missing:
        raise SqlInputError(f"the stack has no output {', '.join(missing)}; pass --var FactoryIdentitySid=0x...")
    return FactoryCoordinates(
        str(found["subscription_id"]), str(found["resource_group_name"]), str(found["factory_name"])
    )


def resolve_target(
    outputs: OutputsSource,
    server: str | None = None,
    database: str | None = None,
    variables: Mapping[str, str] | None = None,
    client_id: Callable[[FactoryCoordinates], str] | None = None,
) -> SqlTarget | None:
    """The database and variables from the flags, the stack's outputs filling in the rest; None when the stack
    has no database yet (never deployed: the first `pulumi up` creates it and the next apply fills it).

    FactoryIdentityName defaults to the output factory_name, FactoryIdentitySid to the SID of the factory
    identity's client id (`client_id`, default: read through ARM); `outputs` (or the function that reads
    them) is used only when the flags leave something out.
    """
    variables = dict(variables or {})
    if not (server and database and "FactoryIdentityName" in variables and "FactoryIdentitySid" in variables):
        found = outputs() if callable(outputs) else outputs
        if not found.get("sql_server_fqdn") and not server:
            return None
        server = server or found.get("sql_server_fqdn")
        database = database or found.get("sql_database_name")
        variables.setdefault("FactoryIdentityName", str(found.get("factory_name", "")))
        if "FactoryIdentitySid" not in variables:
            variables["FactoryIdentitySid"] = sid_literal((client_id or factory_client_id)(_factory(found)))
    if not server or not database or not variables.get("FactoryIdentityName"):
        raise SqlInputError("pass --server, --database and --var FactoryIdentityName=<factory>")
    if not re.fullmatch(r"0x[0-9A-Fa-f]{32}", variables.get("FactoryIdentitySid", "")):
        raise SqlInputError("--var FactoryIdentitySid must be a 16-byte literal 0x<32 hex digits>")
    return SqlTarget(str(server), str(database), variables)


def apply_to(
    target: SqlTarget,
    scripts: Sequence[Script],
    *,
    open_connection: Callable[[str, str], Connection] | None = None,
    log: Callable[[str], None] = print,
) -> list[Script]:
    """Connect (retrying while a paused database resumes) and apply what the journal lacks; returns what ran.

    A connection the database refuses is an AzureRefusedError; so is a script it refuses (SqlApplyError).
    """
    opener = open_connection or connect
    try:
        connection = connect_with_retry(lambda: opener(target.server, target.database), log=log)
    except Exception as exc:  # the driver's own error types: the database refused the login or was unreachable
        raise AzureRefusedError(f"cannot connect to database {target.database} on {target.server}: {exc}") from exc
    return apply(connection, scripts, target.variables, log=log)
