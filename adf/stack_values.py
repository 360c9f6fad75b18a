"""The stack's values that `pipelines_json/overrides.json` may put into the content, as one typed object.

Each field's metadata names the key overrides.json uses for it; the set of allowed keys is derived from the fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import pulumi

_KEY = "override_key"


def _key(name: str) -> dict[str, str]:
    return {_KEY: name}


@dataclass(frozen=True)
class StackValues:
    """Per-stack values, in the spirit of ADF's ARM-template parameters; the files keep the dev factory's."""

    lake_dfs_url: pulumi.Input[str] = field(metadata=_key("lake.dfsUrl"))
    """The lake's Data Lake (dfs) endpoint, `https://<account>.dfs.core.windows.net/`."""
    lake_blob_url: pulumi.Input[str] = field(metadata=_key("lake.blobUrl"))
    """The lake's blob endpoint, `https://<account>.blob.core.windows.net/`."""
    lake_account_id: pulumi.Input[str] = field(metadata=_key("lake.accountId"))
    """The lake storage account's resource id (the scope of blob event triggers)."""
    key_vault_uri: pulumi.Input[str] = field(metadata=_key("keyVault.uri"))
    """The Key Vault's URI, `https://<vault>.vault.azure.net/`."""
    sql_server: pulumi.Input[str] = field(metadata=_key("sql.server"))
    """The SQL server's fully qualified domain name."""
    sql_database: pulumi.Input[str] = field(metadata=_key("sql.database"))
    """The SQL database's name."""
    function_app_url: pulumi.Input[str] = field(metadata=_key("functionApp.url"))
    """The generator Function app's URL, `https://<host>`."""
    time_zone: pulumi.Input[str] = field(metadata=_key("timeZone"))
    """The stack's time zone, for schedule triggers."""
    environment: pulumi.Input[str] = field(metadata=_key("environment"))
    """The stack's environment name (dev, test, prod)."""
    trigger_start_time: pulumi.Input[str] = field(metadata=_key("triggerStartTime"))
    """When the stack's tumbling-window triggers begin, a whole UTC hour (`dataFactory.triggerStartTime`)."""

    def by_key(self) -> dict[str, pulumi.Input[str]]:
        """The values by their overrides.json key."""
        return {item.metadata[_KEY]: getattr(self, item.name) for item in fields(self)}


STACK_VALUE_KEYS = frozenset(item.metadata[_KEY] for item in fields(StackValues))
"""The keys overrides.json may use, one per field of StackValues."""
