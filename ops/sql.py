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
import json
import re
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from migrations.scripts import Connection, SqlApplyError, SqlInputError, apply, discover
from ops import exit_codes


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


def factory_client_id(factory_id: str, endpoint: str = "https://management.azure.com") -> str:
    """The application (client) id of the factory's system-assigned managed identity, read through ARM."""
    from ops.arm import make_credential

    token = make_credential().get_token(f"{endpoint}/.default").token
    identity = f"{factory_id}/providers/Microsoft.ManagedIdentity/identities/default"
    url = f"{endpoint}{identity}?api-version={IDENTITY_API_VERSION}"
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.load(response)
    client_id = (body.get("properties") or {}).get("clientId")
    if not client_id:
        raise LookupError(f"{factory_id}: the factory has no system-assigned identity (no clientId)")
    return str(client_id)


def _factory_id(found: Mapping[str, Any]) -> str:
    names = ("subscription_id", "resource_group_name", "factory_name")
    missing = [name for name in names if not found.get(name)]
    if missing:
        raise SqlInputError(f"the stack has no output {', '.join(missing)}; pass --var FactoryIdentitySid=0x...")
    return (
        f"/subscriptions/{found['subscription_id']}/resourceGroups/{found['resource_group_name']}"
        f"/providers/Microsoft.DataFactory/factories/{found['factory_name']}"
    )


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
        help="sqlcmd variable; FactoryIdentityName defaults to the stack output factory_name, FactoryIdentitySid "
        "to the SID of the factory identity's client id (read through ARM)",
    )


def main(
    args: argparse.Namespace,
    outputs: Callable[[str], Mapping[str, Any]] | None = None,
    client_id: Callable[[str], str] = factory_client_id,
) -> int:
    """Resolve the database and variables from flags or stack outputs, then apply.

    A stack that has never been deployed has no database yet: that is not an error, the
    first `pulumi up` creates it and the next `ops sql apply` fills it.
    """
    from ops.stack_outputs import stack_outputs

    read_outputs = outputs or stack_outputs
    try:
        scripts = discover()
        variables = _variables(args.var)
        server, database = args.server, args.database
        if not (server and database and "FactoryIdentityName" in variables and "FactoryIdentitySid" in variables):
            found = read_outputs(args.stack)
            if not found.get("sql_server_fqdn") and not server:
                print(f"stack '{args.stack}' has no database yet (no sql_server_fqdn output); nothing to apply")
                return exit_codes.OK
            server = server or found.get("sql_server_fqdn")
            database = database or found.get("sql_database_name")
            variables.setdefault("FactoryIdentityName", str(found.get("factory_name", "")))
            if "FactoryIdentitySid" not in variables:
                variables["FactoryIdentitySid"] = sid_literal(client_id(_factory_id(found)))
        if not server or not database or not variables.get("FactoryIdentityName"):
            raise SqlInputError("pass --server, --database and --var FactoryIdentityName=<factory>")
        if not re.fullmatch(r"0x[0-9A-Fa-f]{32}", variables.get("FactoryIdentitySid", "")):
            raise SqlInputError("--var FactoryIdentitySid must be a 16-byte literal 0x<32 hex digits>")
    except (SqlInputError, LookupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exit_codes.USAGE
    try:
        connection = connect_with_retry(lambda: connect(str(server), str(database)))
        apply(connection, scripts, variables)
    except SqlInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exit_codes.USAGE
    except SqlApplyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exit_codes.AZURE
    return exit_codes.OK
