"""The lake's lifecycle tiers `archive/` blobs to a tier its redundancy has: Archive only on LRS, GRS and RA-GRS."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from preview.plan import Plan
from stack.config import ConfigError, parse_config
from stack.files import read_stack_config
from tests.conftest import one
from tests.support.checkout import PROJECT_DIR

POLICY = "azure-native:storage:ManagementPolicy"


def parse_storage(**storage: object) -> None:
    values, secret_keys = read_stack_config(PROJECT_DIR, "dev")
    current = json.loads(values["data-platform:storage"]) if "data-platform:storage" in values else {}
    values["data-platform:storage"] = json.dumps({**current, **storage})
    parse_config(values, set(secret_keys), "Pulumi.dev.yaml")


def tiers(plan: Plan) -> set[str]:
    return set(one(plan, POLICY).inputs["policy"]["rules"][0]["definition"]["actions"]["baseBlob"])


@pytest.mark.parametrize("sku", ["Standard_ZRS", "Standard_GZRS", "Standard_RAGZRS"])
def test_config_refuses_archive_on_zone_redundant_storage(sku: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_storage(sku=sku, archiveAccessTier="Archive")
    assert f"archiveAccessTier Archive does not exist for {sku}" in str(info.value)


def test_config_accepts_archive_on_locally_and_geo_redundant_storage() -> None:
    for sku in ("Standard_LRS", "Standard_GRS", "Standard_RAGRS"):
        parse_storage(sku=sku, archiveAccessTier="Archive")


def test_zone_redundant_lakes_tier_to_cold_and_others_to_archive(plans: dict[str, Plan]) -> None:
    assert tiers(plans["prod"]) == {"tierToCool", "tierToCold", "delete"}  # Standard_RAGZRS
    assert tiers(plans["test"]) == {"tierToCool", "tierToCold", "delete"}  # Standard_ZRS
    assert tiers(plans["dev"]) == {"tierToCool", "tierToArchive", "delete"}  # Standard_LRS


def test_an_lrs_lake_may_choose_cold(plan_with: Callable[..., Plan]) -> None:
    values, _ = read_stack_config(PROJECT_DIR, "dev")
    storage = {**json.loads(values["data-platform:storage"]), "archiveAccessTier": "Cold"}
    assert tiers(plan_with("dev", **{"data-platform:storage": storage})) == {"tierToCool", "tierToCold", "delete"}
