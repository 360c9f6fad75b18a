"""`ops adf drift` against the fake ARM: what the factory has and the source lacks, and deleting it in order."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import ops.factory
from ops.cli.exit_codes import ExitCode
from ops.cli.main import main
from tests.support.adf_objects_server import AdfObjectsServer
from tests.support.arm_server import FACTORY, RESOURCE_GROUP, SUBSCRIPTION, FakeCredential

Cli = Callable[..., int]


def reference(kind: str, name: str) -> dict[str, str]:
    return {"referenceName": name, "type": f"{kind}Reference"}


LINKED_SERVICE = {"type": "AzureBlobFS", "typeProperties": {"url": "https://lake.dfs.core.windows.net/"}}


def dataset(linked_service: str) -> dict[str, Any]:
    return {"type": "Json", "linkedServiceName": reference("LinkedService", linked_service)}


def pipeline(*activities: dict[str, Any]) -> dict[str, Any]:
    return {"activities": list(activities)}


def execute(child: str) -> dict[str, Any]:
    return {
        "name": f"Run{child}",
        "type": "ExecutePipeline",
        "typeProperties": {"pipeline": reference("Pipeline", child)},
    }


def lookup(dataset_name: str) -> dict[str, Any]:
    return {"name": "Look", "type": "Lookup", "typeProperties": {"dataset": reference("Dataset", dataset_name)}}


def write_source(root: Path, files: dict[str, str]) -> Path:
    """An ADF Studio folder: `{"<kind>/<file stem>": "<name in the file>"}`."""
    for key, name in files.items():
        path = root / f"{key}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"name": name, "properties": {}}))
    return root


@pytest.fixture
def factory(tls: tuple[Path, Path]) -> Iterator[AdfObjectsServer]:
    """A factory whose source has LS_Lake, DS_Files, PL_Ingest and TR_Daily; the rest is drift."""
    with AdfObjectsServer(*tls, page_size=2) as fake:
        fake.add_object("linkedservices", "LS_Lake", LINKED_SERVICE)
        fake.add_object("datasets", "DS_Files", dataset("LS_Lake"))
        fake.add_object("pipelines", "PL_Ingest", pipeline())
        fake.add_trigger("TR_Daily", runtime_state="Started")
        yield fake


@pytest.fixture
def source(tmp_path: Path) -> Path:
    files = {
        "linkedService/LS_Lake": "LS_Lake",
        "dataset/DS_Files": "DS_Files",
        "pipeline/pl_ingest": "pl_ingest",
        "trigger/TR_Daily": "TR_Daily",
    }
    return write_source(tmp_path / "pipelines_json", files)


@pytest.fixture
def cli(factory: AdfObjectsServer, source: Path, monkeypatch: pytest.MonkeyPatch, tls: tuple[Path, Path]) -> Cli:
    fake = FakeCredential()
    monkeypatch.setattr(ops.factory, "make_credential", lambda: fake)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls[0]))

    def run(*argv: str) -> int:
        where = ["--subscription", SUBSCRIPTION, "--resource-group", RESOURCE_GROUP, "--factory", FACTORY]
        common = ["--stack", "dev", "--endpoint", factory.endpoint, "--source", str(source), "--poll-seconds", "0"]
        return main(["adf", "drift", *common, *where, *argv])

    return run


def add_hotfix(factory: AdfObjectsServer) -> None:
    """A portal hotfix: a trigger that runs a pipeline that runs another over a dataset on a linked service."""
    factory.add_object("linkedservices", "LS_Hotfix", LINKED_SERVICE)
    factory.add_object("datasets", "DS_Hotfix", dataset("LS_Hotfix"))
    factory.add_object("pipelines", "PL_Hotfix_Child", pipeline(lookup("DS_Hotfix")))
    factory.add_object("pipelines", "PL_Hotfix", pipeline(execute("PL_Hotfix_Child")))
    factory.add_object("pipelines", "PL_Hotfix_Helper", pipeline())
    factory.add_trigger("TR_Hotfix", runtime_state="Started")
    factory.add_trigger("TR_Hotfix_Stopped")


def test_without_drift_it_says_so_and_changes_nothing(
    cli: Cli, factory: AdfObjectsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli() == ExitCode.OK
    assert "no drift: every trigger, pipeline, dataset, linkedService in factory" in capsys.readouterr().out
    assert [r.method for r in factory.requests if r.method != "GET"] == []


def test_it_lists_what_the_factory_has_and_the_source_lacks_without_deleting(
    cli: Cli, factory: AdfObjectsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    add_hotfix(factory)
    assert cli() == ExitCode.OK
    out = capsys.readouterr().out
    listed = [line.strip() for line in out.splitlines() if line.startswith("  ")]
    assert listed == [
        "trigger/TR_Hotfix (started)",
        "trigger/TR_Hotfix_Stopped",
        "pipeline/PL_Hotfix",
        "pipeline/PL_Hotfix_Helper",
        "pipeline/PL_Hotfix_Child",  # after PL_Hotfix, which executes it, though its name sorts before Helper
        "dataset/DS_Hotfix",
        "linkedService/LS_Hotfix",
    ]
    assert "7 object(s) in factory adf-data-platform-dev-weu that" in out
    assert "to delete them: python -m ops adf drift --stack dev --delete" in out
    assert factory.deleted == []
    assert factory.triggers["tr_hotfix"].runtime_state == "Started"


def test_delete_stops_started_triggers_then_deletes_in_dependency_order(
    cli: Cli, factory: AdfObjectsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    add_hotfix(factory)
    assert cli("--delete") == ExitCode.OK
    assert factory.deleted == [
        "triggers/TR_Hotfix",
        "triggers/TR_Hotfix_Stopped",
        "pipelines/PL_Hotfix",
        "pipelines/PL_Hotfix_Helper",
        "pipelines/PL_Hotfix_Child",
        "datasets/DS_Hotfix",
        "linkedservices/LS_Hotfix",
    ]
    assert factory.actions("POST triggers/") == ["POST triggers/TR_Hotfix/stop"]
    assert sorted(factory.triggers) == ["tr_daily"]
    assert factory.triggers["tr_daily"].runtime_state == "Started"
    assert sorted(factory.objects["pipelines"]) == ["pl_ingest"]
    assert "drift: stopped 1, deleted 7 of 7" in capsys.readouterr().out


def test_a_refused_delete_is_reported_and_the_rest_still_deleted(
    cli: Cli, factory: AdfObjectsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    factory.add_object("datasets", "DS_Orphan", dataset("LS_Lake"))
    # The source's own pipeline still uses the hotfix dataset in the factory (not yet redeployed).
    factory.add_object("pipelines", "PL_Ingest", pipeline(lookup("DS_Used")))
    factory.add_object("datasets", "DS_Used", dataset("LS_Lake"))
    assert cli("--delete") == ExitCode.AZURE
    captured = capsys.readouterr()
    assert "error: dataset/DS_Used: Azure refused to delete it: BadRequest: The document cannot be deleted" in (
        captured.err
    )
    assert "drift: stopped 0, deleted 1 of 2" in captured.err
    assert factory.deleted == ["datasets/DS_Orphan"]


def test_kinds_without_a_folder_in_the_source_are_not_compared(
    cli: Cli, factory: AdfObjectsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    factory.add_object("integrationruntimes", "ir-selfhosted", {"type": "SelfHosted"})
    assert cli() == ExitCode.OK
    assert "no drift" in capsys.readouterr().out
    assert not any("integrationRuntimes" in r.path for r in factory.requests)


def test_integration_runtimes_are_compared_when_the_source_has_the_folder(
    cli: Cli, factory: AdfObjectsServer, source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_source(source, {"integrationRuntime/ir-managed": "ir-managed"})
    factory.add_object("integrationruntimes", "ir-managed", {"type": "Managed", "typeProperties": {}})
    factory.add_object("integrationruntimes", "ir-selfhosted", {"type": "SelfHosted"})
    factory.add_object(
        "linkedservices",
        "LS_OnPrem",
        {**LINKED_SERVICE, "connectVia": reference("IntegrationRuntime", "ir-selfhosted")},
    )
    assert cli("--delete") == ExitCode.OK
    assert factory.deleted == ["linkedservices/LS_OnPrem", "integrationruntimes/ir-selfhosted"]
    assert "integrationRuntime/ir-selfhosted" in capsys.readouterr().out


def test_a_source_file_without_a_name_is_refused_before_the_factory_is_read(
    cli: Cli, factory: AdfObjectsServer, source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (source / "pipeline" / "PL_Broken.json").write_text('{"properties": {}}')
    assert cli("--delete") == ExitCode.INPUT
    assert "PL_Broken.json: has no 'name'; fix it before comparing with the factory" in capsys.readouterr().err
    assert factory.requests == []


def test_missing_coordinates_exit_2(
    factory: AdfObjectsServer, source: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", "")
    argv = ["adf", "drift", "--stack", "dev", "--source", str(source), "--endpoint", factory.endpoint]
    assert main(argv) == ExitCode.INPUT
    assert "the Pulumi CLI is not installed" in capsys.readouterr().err


def test_json_envelope_lists_the_drift_and_what_was_deleted(
    cli: Cli, factory: AdfObjectsServer, source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    factory.add_object("datasets", "DS_Orphan", dataset("LS_Lake"))
    factory.add_trigger("TR_Hotfix", runtime_state="Started")
    assert cli("--delete", "--json") == ExitCode.OK
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document == {
        "command": "adf drift",
        "ok": True,
        "exitCode": 0,
        "errors": [],
        "source": str(source),
        "compared": ["trigger", "pipeline", "dataset", "linkedService"],
        "factory": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}"
        f"/providers/Microsoft.DataFactory/factories/{FACTORY}",
        "drift": [
            {"kind": "trigger", "name": "TR_Hotfix", "started": True},
            {"kind": "dataset", "name": "DS_Orphan", "started": False},
        ],
        "kept": [],
        "stopped": ["trigger/TR_Hotfix"],
        "deleted": ["trigger/TR_Hotfix", "dataset/DS_Orphan"],
    }
    assert "deleted dataset/DS_Orphan" in captured.err, "the report goes to stderr under --json"


def test_json_envelope_of_a_refused_delete(
    cli: Cli, factory: AdfObjectsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    factory.add_object("pipelines", "PL_Ingest", pipeline(lookup("DS_Used")))
    factory.add_object("datasets", "DS_Used", dataset("LS_Lake"))
    assert cli("--delete", "--json") == ExitCode.AZURE
    document = json.loads(capsys.readouterr().out)
    assert (document["ok"], document["exitCode"], document["deleted"]) == (False, 3, [])
    (error,) = document["errors"]
    assert error["kind"] == "azure"
    assert error["message"].startswith("dataset/DS_Used: Azure refused to delete it: BadRequest: ")


def publish_options(source: Path, options: dict[str, Any]) -> None:
    """The dev stack's adf.tools publish options (deployment/publish-dev.json)."""
    (source / "deployment").mkdir(exist_ok=True)
    (source / "deployment" / "publish-dev.json").write_text(json.dumps(options))


def test_delete_not_in_source_deletes_without_the_flag(
    cli: Cli, factory: AdfObjectsServer, source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    factory.add_object("pipelines", "PL_Hotfix", pipeline())
    assert cli() == ExitCode.OK
    assert factory.deleted == []
    publish_options(source, {"DeleteNotInSource": True})
    assert cli() == ExitCode.OK
    assert factory.deleted == ["pipelines/PL_Hotfix"]
    assert "deleting them: pipelines_json/deployment/publish-dev.json sets DeleteNotInSource" in capsys.readouterr().out


def test_what_the_filters_exclude_is_kept_unless_do_not_delete_excluded_objects_is_false(
    cli: Cli, factory: AdfObjectsServer, source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    factory.add_object("pipelines", "PL_Hotfix", pipeline())
    factory.add_object("pipelines", "PL_Shared", pipeline())
    factory.add_object("pipelines", "PL_Team", {**pipeline(), "folder": {"name": "team-b"}})
    publish_options(source, {"Excludes": ["pipeline.PL_Shared", "*.*@team-*"]})
    assert cli("--delete") == ExitCode.OK
    assert factory.deleted == ["pipelines/PL_Hotfix"]
    out = capsys.readouterr().out
    assert "kept pipeline/PL_Shared: excluded by pipelines_json/deployment/publish-dev.json" in out
    assert "kept pipeline/PL_Team: excluded by pipelines_json/deployment/publish-dev.json" in out
    publish_options(source, {"Excludes": ["pipeline.PL_Shared"], "DoNotDeleteExcludedObjects": False})
    assert cli("--delete") == ExitCode.OK
    assert factory.deleted == ["pipelines/PL_Hotfix", "pipelines/PL_Shared", "pipelines/PL_Team"]


def test_includes_protect_everything_they_do_not_match(cli: Cli, factory: AdfObjectsServer, source: Path) -> None:
    factory.add_object("pipelines", "PL_Hotfix", pipeline())
    factory.add_object("datasets", "DS_Hotfix", dataset("LS_Lake"))
    publish_options(source, {"Includes": ["pipeline.*"], "DeleteNotInSource": True})
    assert cli() == ExitCode.OK
    assert factory.deleted == ["pipelines/PL_Hotfix"]


def test_the_platform_runtime_is_never_deleted(
    cli: Cli, factory: AdfObjectsServer, source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_source(source, {"integrationRuntime/ir-selfhosted": "ir-selfhosted"})
    factory.add_object("integrationruntimes", "ir-selfhosted", {"type": "SelfHosted"})
    factory.add_object("integrationruntimes", "ir-managed", {"type": "Managed", "typeProperties": {}})
    factory.add_object("integrationruntimes", "AutoResolveIntegrationRuntime", {"type": "Managed"})
    publish_options(source, {"DoNotDeleteExcludedObjects": False})
    assert cli("--delete") == ExitCode.OK
    assert factory.deleted == []
    out = capsys.readouterr().out
    assert "kept integrationRuntime/ir-managed: provided by the platform" in out
    assert cli("--json") == ExitCode.OK
    kept = json.loads(capsys.readouterr().out)["kept"]
    assert {"kind": "integrationRuntime", "name": "ir-managed", "reason": "provided by the platform"} in kept
    assert "kept integrationRuntime/AutoResolveIntegrationRuntime: provided by the platform" in out


def test_a_bad_publish_options_file_exits_2_before_the_factory_is_read(
    cli: Cli, factory: AdfObjectsServer, source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    publish_options(source, {"DeleteNotInSorce": True})
    assert cli() == ExitCode.INPUT
    assert "DeleteNotInSorce: unknown option (did you mean 'DeleteNotInSource'?)" in capsys.readouterr().err
    assert factory.requests == []


def _write(root: Path, key: str, document: dict[str, Any]) -> None:
    path = root / f"{key}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))


def test_managed_networks_and_their_endpoints_are_compared_when_the_source_has_the_folder(
    cli: Cli, factory: AdfObjectsServer, source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(source, "managedVirtualNetwork/default", {"name": "default", "type": "managedvirtualnetworks"})
    _write(source, "managedVirtualNetwork/default/managedPrivateEndpoint/pe-lake", {"name": "pe-lake"})
    factory.add_object("managedvirtualnetworks", "default", {})
    factory.add_object("managedvirtualnetworks", "hotfix", {})
    factory.add_managed_private_endpoint("default", "pe-lake", {"groupId": "dfs"})
    factory.add_managed_private_endpoint("default", "pe-sql", {"groupId": "sqlServer"})
    assert cli("--delete") == ExitCode.AZURE
    captured = capsys.readouterr()
    listed = [line.strip() for line in captured.out.splitlines() if line.startswith("  ")]
    assert listed == ["managedPrivateEndpoint/default/pe-sql", "managedVirtualNetwork/hotfix"]
    assert factory.deleted == ["managedVirtualNetworks/default/managedPrivateEndpoints/pe-sql"]
    assert sorted(factory.endpoints["default"]) == ["pe-lake"]
    assert "managedVirtualNetwork/hotfix: ADF's API has no delete for a managed virtual network" in captured.err


def test_global_parameters_the_factory_file_lacks_are_removed_from_the_factory_set(
    cli: Cli, factory: AdfObjectsServer, source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    declared = {"region": {"type": "string", "value": "weu"}}
    _write(source, "factory/adf-contoso-dev", {"name": "adf-contoso-dev", "properties": {"globalParameters": declared}})
    factory.global_parameters = {
        "region": {"type": "String", "value": "weu"},
        "environment": {"type": "String", "value": "dev"},  # the platform's own
        "hotfixFlag": {"type": "Bool", "value": True},
    }
    assert cli("--delete") == ExitCode.OK
    assert "globalParameter/hotfixFlag" in capsys.readouterr().out
    assert factory.global_parameters == {
        "region": {"type": "String", "value": "weu"},
        "environment": {"type": "String", "value": "dev"},
    }


def test_kinds_of_the_factory_the_source_has_no_folder_for_are_not_read(
    cli: Cli, factory: AdfObjectsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    factory.global_parameters = {"hotfixFlag": {"type": "Bool", "value": True}}
    factory.add_managed_private_endpoint("default", "pe-sql", {"groupId": "sqlServer"})
    assert cli() == ExitCode.OK
    assert "no drift" in capsys.readouterr().out
    assert not any("globalParameters" in r.path or "managedVirtualNetworks" in r.path for r in factory.requests)
