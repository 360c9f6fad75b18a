"""The dynamic providers' credential: built once per process, the pipeline's federated credential when there is one."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from components import azure_credential

PIPELINE = {
    "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID": "connection-id",
    "AZURESUBSCRIPTION_CLIENT_ID": "client-id",
    "AZURESUBSCRIPTION_TENANT_ID": "00000000-0000-4000-8000-000000000002",
    "SYSTEM_ACCESSTOKEN": "job-token",
}


class Built:
    """Stands in for an azure-identity credential class and counts what it builds."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> object:
        self.calls.append(kwargs)
        return object()


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Built]]:
    import azure.identity

    classes = {"DefaultAzureCredential": Built(), "AzurePipelinesCredential": Built()}
    for name, fake in classes.items():
        monkeypatch.setattr(azure.identity, name, fake)
    for name in PIPELINE:
        monkeypatch.delenv(name, raising=False)
    azure_credential._build.cache_clear()
    yield classes
    azure_credential._build.cache_clear()


def test_the_credential_is_built_once_per_process(built: dict[str, Built]) -> None:
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(azure_credential.credential())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seen.append(azure_credential.credential())
    assert len(built["DefaultAzureCredential"].calls) == 1
    assert all(found is seen[0] for found in seen)


def test_a_pipeline_step_with_a_federated_connection_uses_azure_pipelines_credential(
    built: dict[str, Built], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in PIPELINE.items():
        monkeypatch.setenv(name, value)
    azure_credential.credential()
    assert built["AzurePipelinesCredential"].calls == [
        {
            "tenant_id": PIPELINE["AZURESUBSCRIPTION_TENANT_ID"],
            "client_id": "client-id",
            "service_connection_id": "connection-id",
            "system_access_token": "job-token",
        }
    ]
    assert built["DefaultAzureCredential"].calls == []


def test_without_the_job_token_the_default_chain_is_used(built: dict[str, Built]) -> None:
    azure_credential.build_credential({**PIPELINE, "SYSTEM_ACCESSTOKEN": ""})
    assert built["AzurePipelinesCredential"].calls == []
    assert len(built["DefaultAzureCredential"].calls) == 1
