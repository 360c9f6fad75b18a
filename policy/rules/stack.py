"""Rules over the whole stack: prod data protected and locked, required tags everywhere, no plain-text secrets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from policy.rules.view import (
    LOCK,
    SQL_DATABASE,
    STORAGE_ACCOUNT,
    VAULT,
    VAULT_SECRET,
    Report,
    Resource,
    Rule,
    StackReport,
    lake_accounts,
    stack_environment,
)
from policy.settings import PolicySettings
from policy.values import KEY_VAULT_REFERENCE, SECRET, UNKNOWN, is_known, is_secret_input_key, iter_strings, secret_kind
from preview.schema import is_taggable
from stack.tags import REQUIRED_TAGS


def _stateful(resources: Sequence[Resource]) -> list[tuple[str, Resource]]:
    lakes = lake_accounts(resources)
    found: list[tuple[str, Resource]] = [("data lake storage account", lake) for lake in lakes]
    found += [("Key Vault", r) for r in resources if r.type == VAULT]
    found += [("SQL database", r) for r in resources if r.type == SQL_DATABASE]
    return found


def _arm_suffix(res: Resource) -> str | None:
    """The end of the resource's ARM id, built from its inputs (for when the id itself is not known)."""
    p = res.props
    parts: tuple[Any, ...]
    if res.type == STORAGE_ACCOUNT:
        parts = (p.get("resourceGroupName"), "providers/Microsoft.Storage/storageAccounts", p.get("accountName"))
    elif res.type == VAULT:
        parts = (p.get("resourceGroupName"), "providers/Microsoft.KeyVault/vaults", p.get("vaultName"))
    elif res.type == SQL_DATABASE:
        parts = (
            p.get("resourceGroupName"),
            "providers/Microsoft.Sql/servers",
            p.get("serverName"),
            "databases",
            p.get("databaseName"),
        )
    else:
        return None
    texts = [part for part in parts if isinstance(part, str) and part and is_known(part)]
    if len(texts) != len(parts):
        return None
    return ("/resourceGroups/" + "/".join(texts)).lower()


def _locks(lock: Resource, res: Resource) -> bool:
    scope = lock.props.get("scope")
    if isinstance(scope, str) and is_known(scope):
        scope = scope.rstrip("/").lower()
        own_id = res.props.get("id")
        if isinstance(own_id, str) and is_known(own_id):
            return scope == own_id.rstrip("/").lower()
        suffix = _arm_suffix(res)
        return suffix is not None and scope.endswith(suffix)
    return res.urn in lock.property_dependencies.get("scope", []) or res.urn in lock.dependencies


def prod_stateful_protected(resources: Sequence[Resource], report: StackReport, settings: PolicySettings) -> None:
    if stack_environment(settings, resources) != "prod":
        return
    for what, res in _stateful(resources):
        if not res.protect:
            report(f"{what} '{res.label}' is not protected; set protect: true in prod", res.urn)


def prod_stateful_locked(resources: Sequence[Resource], report: StackReport, settings: PolicySettings) -> None:
    if stack_environment(settings, resources) != "prod":
        return
    locks = [r for r in resources if r.type == LOCK and r.props.get("level") in ("CanNotDelete", "ReadOnly")]
    for what, res in _stateful(resources):
        if not any(_locks(lock, res) for lock in locks):
            report(
                f"{what} '{res.label}' has no CanNotDelete management lock (ManagementLockByScope whose scope is "
                "its id); add one in prod",
                res.urn,
            )


def required_tags(res: Resource, report: Report, settings: PolicySettings) -> None:
    if not is_taggable(res.type):
        return
    tags = res.tags
    if not is_known(tags):
        return
    present = tags if isinstance(tags, Mapping) else {}
    missing = [tag for tag in REQUIRED_TAGS if not present.get(tag)]
    if missing:
        report(f"'{res.label}' ({res.type}) is missing required tag(s): {', '.join(missing)}")


def _skips_secret_scan(res: Resource) -> bool:
    return res.type.startswith(("pulumi:providers:", "pulumi:pulumi:"))


def no_plaintext_secrets(res: Resource, report: Report, settings: PolicySettings) -> None:
    if _skips_secret_scan(res):
        return
    for path, key, value in iter_strings(res.props):
        if res.type == VAULT_SECRET and path == "properties.value":
            # The designated place for a secret. Offline we can see whether it was marked secret; a real
            # preview hands the pack decrypted values, so there it is the program's job (put_secret).
            if settings.secrets_masked and value not in (SECRET, UNKNOWN):
                report(f"Key Vault secret '{res.label}': properties.value is not a Pulumi secret")
            continue
        if value in (SECRET, UNKNOWN) or value == "":
            continue
        kind = secret_kind(value)
        if kind:
            report(f"'{res.label}' ({res.type}): {path} holds {kind} in plain text")
        elif is_secret_input_key(key) and not KEY_VAULT_REFERENCE.match(value):
            report(f"'{res.label}' ({res.type}): {path} is a credential in plain text; make it a Pulumi secret")


RULES: tuple[Rule, ...] = (
    Rule(
        "prod-stateful-protected",
        "In prod, the data lake account, the Key Vault and the SQL database are protected (protect: true).",
        "A refactor or a mistaken `pulumi destroy` must not be able to delete production data.",
        "stack",
        prod_stateful_protected,
    ),
    Rule(
        "prod-stateful-locked",
        "In prod, the data lake account, the Key Vault and the SQL database carry a CanNotDelete management lock.",
        "Pulumi's protect only guards Pulumi; the lock also stops deletes from the portal, CLI and other tools.",
        "stack",
        prod_stateful_locked,
    ),
    Rule(
        "required-tags",
        f"Every taggable resource carries the tags {', '.join(REQUIRED_TAGS)}.",
        "Cost allocation, ownership and incident routing rely on them.",
        "resource",
        required_tags,
    ),
    Rule(
        "no-plaintext-secrets",
        "No resource input holds a secret in plain text (keys, passwords, SAS tokens, connection strings with keys, "
        "JWTs, private keys).",
        "Plain-text inputs are stored unencrypted in the Pulumi state and shown in previews and diffs.",
        "resource",
        no_plaintext_secrets,
    ),
)
