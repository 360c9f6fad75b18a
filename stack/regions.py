"""The Azure public-cloud regions a stack may be deployed to, with the short code each contributes to names.

The region names are every row of Microsoft's "Azure regions list"
(https://learn.microsoft.com/azure/reliability/regions-list, the page revision dated 2025-09-23), read on the date
`REGIONS` records: the names `az account list-locations` returns for physical regions, restricted-access regions
included (a subscription that has been granted one may deploy there). A region the page lists as "coming soon"
(Denmark East) is left out until it opens, and so is a region named only as another's pair without a row of its own.

The codes are this project's, not Azure's: Azure publishes no short code for every region (Azure Backup's geo-codes,
https://learn.microsoft.com/azure/backup/scripts/geo-code-list, cover only the older regions, some with two or four
characters). Every code has exactly three lowercase letters or digits, so the storage account name still fits 24
characters with the longest prefix (stack/naming.py), and no two regions share one. The 22 codes this project used
before the table was complete are kept as they were, because a code is part of every deployed name; the others
follow Backup's geo-code where it has three characters, else the country or area and the position in it.

To refresh: run `REGIONS.refresh_command`, add a row with a new code for each region it lists that the table lacks,
and set `read_on`. A code, once used by a stack, never changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from stack.facts import DatedTable, register

REGIONS = register(
    DatedTable(
        subject="the Azure region table (stack/regions.py)",
        read_on=date(2026, 12, 6),
        source="https://learn.microsoft.com/azure/reliability/regions-list",
        refresh_command="az account list-locations --query \"[?metadata.regionType=='Physical'].name\" --output tsv",
        max_age_days=180,
    )
)
"""When the table below was read, and from where. Azure opens several regions a year: half a year is its age limit."""

REGION_CODES: Mapping[str, str] = {
    "australiacentral": "acl",
    "australiacentral2": "ac2",
    "australiaeast": "aue",
    "australiasoutheast": "ase",
    "austriaeast": "ate",
    "belgiumcentral": "bec",
    "brazilsouth": "brs",
    "brazilsoutheast": "bse",
    "canadacentral": "cac",
    "canadaeast": "cae",
    "centralindia": "inc",
    "centralus": "cus",
    "chilecentral": "clc",
    "eastasia": "eas",
    "eastus": "eus",
    "eastus2": "eu2",
    "francecentral": "frc",
    "francesouth": "frs",
    "germanynorth": "gno",
    "germanywestcentral": "gwc",
    "indonesiacentral": "idc",
    "israelcentral": "ilc",
    "italynorth": "itn",
    "japaneast": "jpe",
    "japanwest": "jpw",
    "koreacentral": "krc",
    "koreasouth": "krs",
    "malaysiawest": "myw",
    "mexicocentral": "mxc",
    "newzealandnorth": "nzn",
    "northcentralus": "ncu",
    "northeurope": "neu",
    "norwayeast": "noe",
    "norwaywest": "now",
    "polandcentral": "plc",
    "qatarcentral": "qac",
    "southafricanorth": "san",
    "southafricawest": "saw",
    "southcentralus": "scu",
    "southeastasia": "sea",
    "southindia": "ins",
    "spaincentral": "spc",
    "swedencentral": "sdc",
    "switzerlandnorth": "szn",
    "switzerlandwest": "szw",
    "uaecentral": "uac",
    "uaenorth": "uan",
    "uksouth": "uks",
    "ukwest": "ukw",
    "westcentralus": "wcu",
    "westeurope": "weu",
    "westindia": "inw",
    "westus": "wus",
    "westus2": "wu2",
    "westus3": "wu3",
}
"""Region name (as `azure-native:location` takes it) -> the three-character code used in Azure names."""
