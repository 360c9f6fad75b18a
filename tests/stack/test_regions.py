"""The region table: every Azure public-cloud region, a dated source, and codes that fit every name."""

from __future__ import annotations

import re
from datetime import date

from stack.config import parse_config
from stack.files import read_stack_config
from stack.naming import build_names
from stack.regions import REGION_CODES, REGIONS
from tests.support.checkout import PROJECT_DIR

CODES_IN_USE_BEFORE_THE_TABLE = {
    "australiaeast": "aue",
    "brazilsouth": "brs",
    "canadacentral": "cac",
    "centralindia": "inc",
    "centralus": "cus",
    "eastasia": "eas",
    "eastus": "eus",
    "eastus2": "eu2",
    "francecentral": "frc",
    "germanywestcentral": "gwc",
    "japaneast": "jpe",
    "koreacentral": "krc",
    "northeurope": "neu",
    "norwayeast": "noe",
    "southcentralus": "scu",
    "southeastasia": "sea",
    "swedencentral": "sdc",
    "switzerlandnorth": "szn",
    "uksouth": "uks",
    "westeurope": "weu",
    "westus2": "wu2",
    "westus3": "wu3",
}
"""The hand-written list the table replaced: a code is part of every deployed name, so none of these may change."""


def test_the_table_has_every_region_of_microsofts_list_but_the_one_coming_soon() -> None:
    # 56 rows on https://learn.microsoft.com/azure/reliability/regions-list (revision of 2025-09-23), less
    # Denmark East, "coming soon".
    assert len(REGION_CODES) == 55
    assert "denmarkeast" not in REGION_CODES
    for region in ("ukwest", "austriaeast", "belgiumcentral", "chilecentral", "malaysiawest", "newzealandnorth"):
        assert region in REGION_CODES


def test_the_codes_in_use_before_the_table_are_kept() -> None:
    assert {name: REGION_CODES[name] for name in CODES_IN_USE_BEFORE_THE_TABLE} == CODES_IN_USE_BEFORE_THE_TABLE


def test_every_code_is_three_lowercase_letters_or_digits_and_no_two_regions_share_one() -> None:
    assert all(re.fullmatch(r"[a-z0-9]{3}", code) for code in REGION_CODES.values())
    assert len(set(REGION_CODES.values())) == len(REGION_CODES)


def test_every_name_is_a_programmatic_region_name() -> None:
    assert all(re.fullmatch(r"[a-z]+[0-9]?", name) for name in REGION_CODES)


def test_the_table_says_when_and_where_it_was_read_and_how_to_refresh_it() -> None:
    assert REGIONS.read_on == date(2026, 12, 6)
    assert REGIONS.source == "https://learn.microsoft.com/azure/reliability/regions-list"
    assert REGIONS.refresh_command.startswith("az account list-locations --query")
    assert "metadata.regionType=='Physical'" in REGIONS.refresh_command
    assert REGIONS.max_age_days == 180


def test_ukwest_is_a_region_a_stack_can_use() -> None:
    values, secret_keys = read_stack_config(PROJECT_DIR, "dev")
    values["azure-native:location"] = "ukwest"
    # Flex Consumption's lowest maximum instance count is 40 outside the few regions that allow less.
    values["data-platform:functionApp"] = '{"maximumInstanceCount": 40, "instanceMemoryMb": 2048}'
    names = build_names(parse_config(values, set(secret_keys), "Pulumi.dev.yaml"), "dev")
    assert names.resource_group == "rg-konnektmack-dev-ukw"
