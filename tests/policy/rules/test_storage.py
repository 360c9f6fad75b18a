"""The storage rules fire on violating copies of the real lake and host storage."""

from __future__ import annotations

from preview.plan import Plan
from tests.policy.fixtures import (
    HOST_STORAGE,
    LAKE,
    drop_input,
    edited,
    input_of,
    only,
    reg_named,
    set_input,
    violations_of,
    without,
)


def test_storage_https_only_fires(prod: Plan) -> None:
    regs = edited(prod, LAKE, set_input("enableHttpsTrafficOnly", value=False))
    found = only(violations_of(regs, "prod", "storage-https-only"))
    assert found.message == (
        f"storage account '{input_of(prod, LAKE, 'accountName')}': enableHttpsTrafficOnly is False; it must be true"
    )
    assert found.urn == reg_named(prod, LAKE).urn
    assert found.enforcement == "mandatory"


def test_storage_min_tls_fires(dev: Plan) -> None:
    regs = edited(dev, HOST_STORAGE, set_input("minimumTlsVersion", value="TLS1_0"))
    found = only(violations_of(regs, "dev", "storage-min-tls-1-2"))
    assert found.message == (
        f"storage account '{input_of(dev, HOST_STORAGE, 'accountName')}': minimumTlsVersion is 'TLS1_0'; "
        "it must be TLS1_2 or later"
    )


def test_storage_public_blob_access_fires_on_account_and_container(dev: Plan) -> None:
    regs = edited(dev, LAKE, set_input("allowBlobPublicAccess", value=True))
    found = only(violations_of(regs, "dev", "storage-no-public-blob-access"))
    assert found.message.endswith("allowBlobPublicAccess is True; it must be false")

    regs = edited(dev, "platform-lake-bronze", set_input("publicAccess", value="Container"))
    found = only(violations_of(regs, "dev", "storage-no-public-blob-access"))
    assert found.message == "blob container 'bronze': publicAccess is 'Container'; it must be None"


def test_storage_shared_key_fires_when_not_switched_off(dev: Plan) -> None:
    regs = edited(dev, LAKE, drop_input("allowSharedKeyAccess"))
    found = only(violations_of(regs, "dev", "storage-shared-key-disabled"))
    assert found.message == (
        f"storage account '{input_of(dev, LAKE, 'accountName')}': allowSharedKeyAccess is not set; it must be false"
    )


def test_lake_without_hns_is_found_by_its_containers(dev: Plan) -> None:
    regs = edited(dev, LAKE, set_input("isHnsEnabled", value=False))
    found = only(violations_of(regs, "dev", "storage-lake-hierarchical-namespace"))
    assert found.urn == reg_named(dev, LAKE).urn
    assert found.message.startswith(f"storage account '{input_of(dev, LAKE, 'accountName')}' holds the lake's")
    assert "isHnsEnabled is False" in found.message


def test_lake_soft_delete_fires_when_disabled_or_missing(dev: Plan) -> None:
    regs = edited(dev, "platform-lake-blob-service", set_input("deleteRetentionPolicy", "enabled", value=False))
    found = only(violations_of(regs, "dev", "storage-lake-soft-delete"))
    assert found.urn == reg_named(dev, "platform-lake-blob-service").urn
    assert found.message == (
        f"blob service of storage account '{input_of(dev, LAKE, 'accountName')}': deleteRetentionPolicy.enabled is "
        "False; soft delete must be on"
    )

    found = only(violations_of(without(dev, "platform-lake-blob-service"), "dev", "storage-lake-soft-delete"))
    assert found.urn == reg_named(dev, LAKE).urn
    assert "has no blob service properties, so blob soft delete is off" in found.message
