"""Reading resource properties the same way in a real preview and offline, and spotting secrets in them.

In a real preview pulumi_policy hands the rules its unknown-checking proxies: reading a
value that is only known after deployment raises `UnknownValueError`. Offline, the plan
records such values as "[unknown]" and Pulumi secrets as "[secret]". `plain` turns the
proxies into plain dicts and lists with unknowns as "[unknown]", so every rule sees one
representation and decides explicitly what an unknown value means for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pulumi_policy.proxy import UnknownValueError

from preview.inputs import SECRET as SECRET
from preview.inputs import UNKNOWN as UNKNOWN
from preview.inputs import is_known as is_known

KEY_VAULT_REFERENCE = re.compile(r"^\s*@Microsoft\.KeyVault\(", re.IGNORECASE)

_VERSIONED_MODULE = re.compile(r"^(azure-native:[A-Za-z0-9]+)/v[0-9a-z]+:")


def plain(value: Any) -> Any:
    """A plain copy of `value`: mappings become dicts, sequences lists, unknown values UNKNOWN."""
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key in value:
            try:
                item = value[key]
            except UnknownValueError:
                out[key] = UNKNOWN
                continue
            out[key] = plain(item)
        return out
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        items: list[Any] = []
        for index in range(len(value)):
            try:
                item = value[index]
            except UnknownValueError:
                items.append(UNKNOWN)
                continue
            items.append(plain(item))
        return items
    return value


def normalize_type(type_token: str) -> str:
    """`azure-native:storage/v20240101:StorageAccount` -> `azure-native:storage:StorageAccount`."""
    return _VERSIONED_MODULE.sub(r"\1:", type_token)


def iter_strings(value: Any, path: str = "") -> Iterator[tuple[str, str, str]]:
    """(path, last key, string) for every string below `value`; keys starting with "__" are engine internals."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            key = str(key)
            if key.startswith("__"):
                continue
            child = f"{path}.{key}" if path else key
            if isinstance(item, str):
                yield child, key, item
            else:
                yield from iter_strings(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            child = f"{path}[{index}]"
            if isinstance(item, str):
                yield child, path.rsplit(".", 1)[-1], item
            else:
                yield from iter_strings(item, child)


# ------------------------------------------------------------------ secret detection

_SECRET_VALUE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a storage account key (AccountKey=)", re.compile(r"(?i)\bAccountKey\s*=\s*[^;\s]")),
    ("a shared access key (SharedAccessKey=)", re.compile(r"(?i)\bSharedAccessKey\s*=\s*[^;\s]")),
    ("a SAS token (SharedAccessSignature=)", re.compile(r"(?i)\bSharedAccessSignature\s*=\s*[^;\s]")),
    ("a SAS token signature (sig=)", re.compile(r"(?i)(?:^|[?&;\s])sig=[A-Za-z0-9%+/=_-]{10,}")),
    ("a password in a connection string", re.compile(r"(?i)(?:^|;)\s*(?:Password|Pwd)\s*=\s*[^;\s]")),
    ("a JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}")),
    ("a private key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")),
    ("an Azure access key", re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{86}==(?![A-Za-z0-9+/=])")),
)

# Keys of resource inputs that hold a credential whatever the resource type.
_SECRET_INPUT_KEY = re.compile(
    r"(?i)^(?:.*password|.*secret|.*accountkey|.*accesskey|sharedkey|.*sastoken|apikey|privatekey"
    r"|primarykey|secondarykey|masterkey)$"
)

# Words that make an app setting (or environment variable) name a secret.
_SECRET_NAME_WORDS = frozenset(
    {"KEY", "KEYS", "SECRET", "SECRETS", "PASSWORD", "PASSWD", "PWD", "TOKEN", "SAS", "APIKEY", "ACCOUNTKEY"}
)
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def secret_kind(value: str) -> str | None:
    """What kind of secret `value` looks like, or None; placeholders and Key Vault references are not secrets."""
    if value in (SECRET, UNKNOWN) or KEY_VAULT_REFERENCE.match(value):
        return None
    for kind, pattern in _SECRET_VALUE_PATTERNS:
        if pattern.search(value):
            return kind
    return None


def is_secret_input_key(key: str) -> bool:
    """Whether a resource input key (camelCase, e.g. `administratorLoginPassword`) names a credential."""
    return bool(_SECRET_INPUT_KEY.match(key))


def is_secret_setting_name(name: str) -> bool:
    """Whether an app setting name (e.g. `STORAGE_ACCOUNT_KEY`, `apiToken`) names a secret."""
    words = [w.upper() for w in re.split(r"[^A-Za-z0-9]+", _CAMEL_BOUNDARY.sub("_", name)) if w]
    joined = "_".join(words)
    return (
        any(word in _SECRET_NAME_WORDS for word in words)
        or "CONNECTION_STRING" in joined
        or "CONNECTIONSTRING" in joined
        or name.strip().lower() == "azurewebjobsstorage"
    )
