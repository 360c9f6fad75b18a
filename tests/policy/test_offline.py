"""The offline check: enforcement levels from the stack config, and the error listing mandatory violations."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from ops.plan import checks_named, run_checks
from policy.offline import PolicyError
from policy.settings import POLICY_KEY, PolicyConfigError
from preview.inputs import UNKNOWN
from preview.mocks import Registration
from preview.plan import Plan
from preview.resource_types import ResourceType
from preview.view import PlanView
from stack.config import PlatformConfig
from tests.policy.fixtures import LAKE, LOWERED, VAULT, edited, evaluate, only, reg_named, set_input, stack_config
from tests.support.registrations import reg

POLICY = checks_named(["policy"])


def view(regs: list[Registration], config: PlatformConfig) -> PlanView:
    return PlanView.of_registrations(regs, config=config)


def test_config_lowered_rule_is_advisory_and_check_passes(prod: Plan, capsys: pytest.CaptureFixture[str]) -> None:
    regs = edited(prod, LAKE, set_input("enableHttpsTrafficOnly", value=False))
    config = stack_config("prod", **{POLICY_KEY: LOWERED})
    found = only(evaluate(regs, config))
    assert (found.policy, found.enforcement) == ("storage-https-only", "advisory")
    assert found.reason == "Legacy client until PLAT-42 ships."
    run_checks(view(regs, config), POLICY)
    warning = capsys.readouterr().err
    assert "warning: policy [advisory] storage-https-only:" in warning
    assert "Legacy client until PLAT-42 ships." in warning


def test_overrides_passed_in_lower_a_rule_the_config_keeps_mandatory(prod: Plan) -> None:
    regs = edited(prod, LAKE, set_input("enableHttpsTrafficOnly", value=False))
    config = stack_config("prod")
    assert only(evaluate(regs, config)).enforcement == "mandatory"
    assert only(evaluate(regs, config, overrides=LOWERED)).enforcement == "advisory"


def test_overrides_passed_in_win_over_the_config(prod: Plan) -> None:
    regs = edited(prod, LAKE, set_input("enableHttpsTrafficOnly", value=False))
    config = stack_config("prod", **{POLICY_KEY: LOWERED})
    pinned = {"storage-https-only": {"enforcement": "mandatory", "reason": "Fixed in PLAT-42."}}
    assert only(evaluate(regs, config, overrides=pinned)).enforcement == "mandatory"


def test_check_raises_listing_each_mandatory_violation(prod: Plan) -> None:
    regs = edited(prod, LAKE, set_input("enableHttpsTrafficOnly", value=False))
    regs = [dataclasses.replace(r, protect=False) if r.name == VAULT else r for r in regs]
    with pytest.raises(PolicyError) as info:
        run_checks(view(regs, stack_config("prod")), POLICY)
    text = str(info.value)
    assert text.startswith("2 mandatory policy violation(s) in the security baseline:")
    lake, vault = reg_named(prod, LAKE), reg_named(prod, VAULT)
    assert f"  - storage-https-only: {lake.urn} ({LAKE}): storage account '" in text
    assert f"  - prod-stateful-protected: {vault.urn} ({VAULT}): Key Vault '" in text
    assert [v.policy for v in info.value.violations] == ["storage-https-only", "prod-stateful-protected"]


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"no-such-rule": {"enforcement": "advisory", "reason": "x"}}, "unknown rule(s): no-such-rule"),
        ({"storage-https-only": {"enforcement": "advisory"}}, "lowering a rule to advisory needs a written reason"),
        ({"storage-https-only": {"enforcement": "disabled", "reason": "x"}}, "must be one of advisory, mandatory"),
    ],
)
def test_bad_overrides_are_refused(dev: Plan, overrides: dict[str, Any], problem: str) -> None:
    with pytest.raises(PolicyConfigError) as info:
        evaluate(dev.resources, stack_config("dev"), overrides=overrides)
    assert problem in str(info.value)


# ------------------------------------------------------------------ dependencies, as a real pack gets them


def hns_findings(*regs: Registration) -> list[str]:
    return [v.message for v in evaluate(regs) if v.policy == "storage-lake-hierarchical-namespace"]


def test_a_container_fed_by_an_account_whose_name_is_unknown_makes_it_the_lake() -> None:
    account = reg(ResourceType.STORAGE_ACCOUNT, "account", accountName=UNKNOWN, isHnsEnabled=False)
    fed = reg(ResourceType.BLOB_CONTAINER, "bronze", containerName="bronze", accountName="stlake")
    assert hns_findings(account, fed) == []
    fed = reg(
        ResourceType.BLOB_CONTAINER,
        "bronze",
        containerName="bronze",
        accountName="stlake",
        feeds={"accountName": [account]},
    )
    (message,) = hns_findings(account, fed)
    assert "holds the lake's bronze/silver containers but isHnsEnabled is False" in message


def test_a_container_whose_account_name_is_unknown_belongs_to_what_it_depends_on() -> None:
    account = reg(ResourceType.STORAGE_ACCOUNT, "account", accountName="stlake", isHnsEnabled=False)
    unnamed: dict[str, Any] = {"containerName": "silver", "accountName": UNKNOWN}
    assert hns_findings(account, reg(ResourceType.BLOB_CONTAINER, "silver", **unnamed)) == []
    assert len(hns_findings(account, reg(ResourceType.BLOB_CONTAINER, "silver", depends_on=[account], **unnamed))) == 1
