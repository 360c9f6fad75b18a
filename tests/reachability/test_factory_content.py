"""The factory's content is read once per view, however many pipelines ask for it: read per pipeline, a plan's
time grew with the square of the content's size (the ADF scale benchmark's 500 pipelines took twice as long)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from preview.mocks import Registration
from preview.resource_types import ResourceType
from preview.view import PlanView
from reachability import factory
from tests.support.registrations import reg, view_of


def pipeline(index: int) -> Registration:
    activity = {
        "name": "Copy",
        "type": "Copy",
        "inputs": [{"referenceName": "DS_Files", "type": "DatasetReference"}],
    }
    return reg(
        ResourceType.PIPELINE, f"pl-{index}", factoryName="adf-x", pipelineName=f"PL_{index}", activities=[activity]
    )


def content(pipelines: int) -> list[Registration]:
    return [
        reg(ResourceType.FACTORY, "adf", factoryName="adf-x"),
        reg(ResourceType.STORAGE_ACCOUNT, "lake", accountName="stlake", isHnsEnabled=True),
        reg(
            ResourceType.LINKED_SERVICE,
            "ls",
            factoryName="adf-x",
            linkedServiceName="LS_Lake",
            properties={"type": "AzureBlobFS", "url": "https://stlake.dfs.core.windows.net/"},
        ),
        reg(
            ResourceType.DATASET,
            "ds",
            factoryName="adf-x",
            datasetName="DS_Files",
            properties={"type": "Parquet", "linkedServiceName": {"referenceName": "LS_Lake"}},
        ),
        *(pipeline(index) for index in range(pipelines)),
    ]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[PlanView]:
    """The views whose typed items were read, one entry per read."""
    seen: list[PlanView] = []
    typed_items = factory._typed_items

    def counting(view: PlanView) -> Iterator[Any]:
        seen.append(view)
        return typed_items(view)

    monkeypatch.setattr(factory, "_typed_items", counting)
    return seen


@pytest.mark.parametrize("count", [1, 5, 20])
def test_every_pipelines_uses_come_from_one_read_of_the_content(reads: list[PlanView], count: int) -> None:
    view = view_of(*content(count))
    uses = factory.factory_uses(view)
    assert len([use for use in uses if use.pipeline is not None]) == count, "each pipeline's copy reaches the lake"
    for one in factory.pipelines(view):
        factory.pipeline_uses(view, one)
    assert reads == [view]


def test_another_view_reads_its_own_content(reads: list[PlanView]) -> None:
    first, second = view_of(*content(2)), view_of(*content(3))
    assert len(factory.pipelines(first)) == 2 and len(factory.pipelines(second)) == 3
    assert reads == [first, second]
