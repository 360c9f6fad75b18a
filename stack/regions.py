"""The Azure regions this platform may be deployed to, with the short code each contributes to names."""

from __future__ import annotations

from collections.abc import Mapping

# Azure regions this platform may be deployed to, with the short code used in names.
# Codes are at most three characters so that every name fits its Azure length limit.
REGION_CODES: Mapping[str, str] = {
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
