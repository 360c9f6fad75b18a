"""Private-link group ids, the private DNS zone each registers in, and which data plane offers which.

Azure's list of zones: https://learn.microsoft.com/azure/private-link/private-endpoint-dns. One home for the
components that create endpoints (each data plane creates its own), the factory's managed endpoints, the
reachability model that checks them and the deployability rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class GroupId(StrEnum):
    """A private-link sub-resource (the `groupIds` of a private endpoint connection), spelled as ARM spells it."""

    BLOB = "blob"
    DFS = "dfs"
    QUEUE = "queue"
    TABLE = "table"
    FILE = "file"
    VAULT = "vault"
    SQL_SERVER = "sqlServer"
    SITES = "sites"


ZONE_BY_GROUP_ID: Mapping[str, str] = {
    GroupId.BLOB: "privatelink.blob.core.windows.net",
    GroupId.DFS: "privatelink.dfs.core.windows.net",
    GroupId.QUEUE: "privatelink.queue.core.windows.net",
    GroupId.TABLE: "privatelink.table.core.windows.net",
    GroupId.FILE: "privatelink.file.core.windows.net",
    GroupId.VAULT: "privatelink.vaultcore.azure.net",
    GroupId.SQL_SERVER: "privatelink.database.windows.net",
    GroupId.SITES: "privatelink.azurewebsites.net",
}
"""Private-link group id -> the private DNS zone its endpoints register in."""


class DataPlane(StrEnum):
    """The platform's data planes: what the reachability model calls them, and what owns private endpoints."""

    LAKE = "lake"
    HOST_STORAGE = "host-storage"
    VAULT = "vault"
    SQL = "sql"
    FUNCTION = "function"


ENDPOINT_GROUPS: Mapping[DataPlane, tuple[GroupId, ...]] = {
    # The Function writes bronze through blob; the factory reads and writes through dfs.
    DataPlane.LAKE: (GroupId.BLOB, GroupId.DFS),
    # AzureWebJobsStorage: the host uses blobs, queues and tables.
    DataPlane.HOST_STORAGE: (GroupId.BLOB, GroupId.QUEUE, GroupId.TABLE),
    DataPlane.VAULT: (GroupId.VAULT,),
    DataPlane.SQL: (GroupId.SQL_SERVER,),
    # The site and its SCM host share one endpoint (`<app>.scm.privatelink.azurewebsites.net`).
    DataPlane.FUNCTION: (GroupId.SITES,),
}
"""The private endpoints each data plane creates in a private stack, one per group id."""
