"""Which private DNS zone a private endpoint registers in, by its private-link group id.

Azure's list: https://learn.microsoft.com/azure/private-link/private-endpoint-dns. One table for the
components that create endpoints and the reachability model that checks them.
"""

from __future__ import annotations

from collections.abc import Mapping

ZONE_BY_GROUP_ID: Mapping[str, str] = {
    "blob": "privatelink.blob.core.windows.net",
    "dfs": "privatelink.dfs.core.windows.net",
    "queue": "privatelink.queue.core.windows.net",
    "table": "privatelink.table.core.windows.net",
    "file": "privatelink.file.core.windows.net",
    "vault": "privatelink.vaultcore.azure.net",
    "sqlServer": "privatelink.database.windows.net",
    "sites": "privatelink.azurewebsites.net",
}
"""Private-link group id -> the private DNS zone its endpoints register in."""
