"""The stack-wide rules: prod data protected and locked, required tags, no plain-text secrets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from preview.plan import Plan
from tests.policy.fixtures import (
    FACTORY,
    LAKE,
    LS_LAKE,
    VAULT,
    drop_input,
    edited,
    evaluate,
    input_of,
    of_rule,
    only,
    plan_unchecked,
    reg_named,
    set_input,
    stack_config,
    violations_of,
    without,
)

SAS_URL = (
    "https://acct.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-01-01&sig=AbCdEf0123456789%2BxyZ%3D"
)
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"


def test_prod_protection_fires_on_an_unprotected_resource(prod: Plan) -> None:
    regs = edited(prod, LAKE, lambda _: None, protect=False)
    found = only(violations_of(regs, "prod", "prod-stateful-protected"))
    assert found.urn == reg_named(prod, LAKE).urn
    assert found.message == (
        f"data lake storage account '{input_of(prod, LAKE, 'accountName')}' is not protected; set protect: true in prod"
    )


def test_prod_lock_fires_when_missing_or_scoped_elsewhere(prod: Plan) -> None:
    found = only(violations_of(without(prod, "platform-key-vault-lock"), "prod", "prod-stateful-locked"))
    assert found.urn == reg_named(prod, VAULT).urn
    assert found.message == (
        f"Key Vault '{input_of(prod, VAULT, 'vaultName')}' has no CanNotDelete management lock "
        "(ManagementLockByScope whose scope is its id); add one in prod"
    )
    elsewhere = reg_named(prod, "platform-key-vault-lock").inputs["scope"] + "/secrets/other"
    regs = edited(prod, "platform-key-vault-lock", set_input("scope", value=elsewhere))
    assert only(violations_of(regs, "prod", "prod-stateful-locked")).urn == reg_named(prod, VAULT).urn


def test_prod_without_protect_config_breaks_both_prod_rules() -> None:
    plan = plan_unchecked("prod", **{"data-platform:protect": "false"})
    violations = evaluate(plan.resources, stack_config("prod", **{"data-platform:protect": "false"}))
    stateful = {reg_named(plan, name).urn for name in (LAKE, VAULT, "platform-sql-database")}
    assert {v.urn for v in of_rule(violations, "prod-stateful-protected")} == stateful
    assert {v.urn for v in of_rule(violations, "prod-stateful-locked")} == stateful


def test_prod_rules_do_not_apply_outside_prod(prod: Plan) -> None:
    regs = edited(prod, LAKE, lambda _: None, protect=False)
    config = stack_config("prod", **{"data-platform:environment": "test"})
    assert of_rule(evaluate(regs, config), "prod-stateful-protected") == []


# ------------------------------------------------------------------ everywhere


def test_required_tags_fire_on_missing_tags(dev: Plan) -> None:
    regs = edited(dev, LAKE, drop_input("tags", "owner"))
    found = only(violations_of(regs, "dev", "required-tags"))
    assert found.message == (
        f"'{input_of(dev, LAKE, 'accountName')}' (azure-native:storage:StorageAccount) "
        "is missing required tag(s): owner"
    )
    regs = edited(dev, FACTORY, drop_input("tags"))
    found = only(violations_of(regs, "dev", "required-tags"))
    assert found.message.endswith("is missing required tag(s): environment, project, owner, cost-center, managed-by")


@pytest.mark.parametrize(
    ("name", "change", "expected"),
    [
        (
            LS_LAKE,
            set_input("properties", "url", value=SAS_URL),
            "properties.url holds a SAS token signature (sig=) in plain text",
        ),
        (
            FACTORY,
            set_input("globalParameters", "token", value={"type": "String", "value": JWT}),
            "globalParameters.token.value holds a JSON Web Token in plain text",
        ),
        (
            FACTORY,
            set_input(
                "globalParameters", "cert", value={"type": "String", "value": "-----BEGIN RSA PRIVATE KEY-----\nx"}
            ),
            "globalParameters.cert.value holds a private key in plain text",
        ),
        (
            "platform-sql-server",
            set_input("administratorLoginPassword", value="Tr0ub4dor&3"),
            "administratorLoginPassword is a credential in plain text; make it a Pulumi secret",
        ),
    ],
)
def test_plaintext_secret_fires(dev: Plan, name: str, change: Callable[[dict[str, Any]], None], expected: str) -> None:
    found = only(of_rule(evaluate(edited(dev, name, change), stack_config("dev")), "no-plaintext-secrets"))
    assert found.urn == reg_named(dev, name).urn
    assert found.message.endswith(expected)


def test_key_vault_secret_value_must_be_a_pulumi_secret(dev: Plan) -> None:
    name = "platform-generator-generator-function-key"
    regs = edited(
        dev, name, set_input("properties", "value", value="Server=tcp:x;Authentication=Active Directory Default")
    )
    found = only(violations_of(regs, "dev", "no-plaintext-secrets"))
    assert found.message == "Key Vault secret 'generator-function-key': properties.value is not a Pulumi secret"
