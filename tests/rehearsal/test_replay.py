"""The replay over small hand-made plans: worst-case order, where the agent runs, what a failure names."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from delivery.stages import Agent, AgentKind, Command, CommandKind, Stage
from preview.mocks import Registration
from preview.resource_types import ResourceType
from reachability.model import NodeKind
from rehearsal import rehearse
from rehearsal.operations import deploy_operations
from rehearsal.replay import PRIVATE_ENDPOINT_COMPONENT
from stack.foundation import FOUNDATION_DIR_NAME, FOUNDATION_PROJECT
from tests.support.registrations import PROVIDERS, approved_managed_endpoint, reg, view_of

VAULT = f"{PROVIDERS}/Microsoft.KeyVault/vaults/kv-x"
SQL = f"{PROVIDERS}/Microsoft.Sql/servers/sql-x"
VNET = f"{PROVIDERS}/Microsoft.Network/virtualNetworks/vnet-x"
ZONES = f"{PROVIDERS}/Microsoft.Network/privateDnsZones"
VAULT_ZONE = "privatelink.vaultcore.azure.net"


def in_foundation(regs: dict[str, Registration]) -> dict[str, Registration]:
    """The registrations as the foundation's project registers them: their URNs (and the URNs they name) in it."""
    moved = {r.urn: r.urn.replace("::p::", f"::{FOUNDATION_PROJECT}::") for r in regs.values()}

    def urns(values: list[str]) -> list[str]:
        return [moved.get(value, value) for value in values]

    return {
        key: dataclasses.replace(
            r,
            urn=moved[r.urn],
            parent=moved.get(r.parent, r.parent) if r.parent else None,
            depends_on=urns(r.depends_on),
            property_dependencies={name: urns(deps) for name, deps in r.property_dependencies.items()},
        )
        for key, r in regs.items()
    }


def network() -> dict[str, Registration]:
    vnet = reg(ResourceType.VIRTUAL_NETWORK, "vnet", virtualNetworkName="vnet-x")
    subnet = reg(
        ResourceType.SUBNET,
        "agents",
        feeds={"virtualNetworkName": [vnet]},
        subnetName="snet-agents",
        virtualNetworkName="vnet-x",
    )
    pool = reg(
        ResourceType.AGENT_POOL,
        "pool",
        feeds={"fabricProfile": [subnet]},
        poolName="mdp-x",
        fabricProfile={"networkProfile": {"subnetId": f"{VNET}/subnets/snet-agents"}},
    )
    return {"vnet": vnet, "subnet": subnet, "pool": pool}


def private_endpoint(
    target: Registration, target_id: str, group: str, zone: str, vnet: Registration
) -> dict[str, Registration]:
    """A data plane's private endpoint component: the endpoint and its zone group (which waits for the zone's link),
    and the zone with its link to the VNet."""
    zone_reg = reg(ResourceType.PRIVATE_DNS_ZONE, f"zone-{group}", privateZoneName=zone)
    link = reg(
        ResourceType.VIRTUAL_NETWORK_LINK,
        f"zone-{group}-link",
        feeds={"privateZoneName": [zone_reg], "virtualNetwork": [vnet]},
        privateZoneName=zone,
        virtualNetworkLinkName="link-vnet-x",
        virtualNetwork={"id": VNET},
    )
    owner = reg(PRIVATE_ENDPOINT_COMPONENT, f"pe-{group}", custom=False)
    endpoint = reg(
        ResourceType.PRIVATE_ENDPOINT,
        f"pe-{group}-endpoint",
        parent=owner,
        feeds={"privateLinkServiceConnections": [target]},
        privateEndpointName=f"pe-x-{group}",
        privateLinkServiceConnections=[{"privateLinkServiceId": target_id, "groupIds": [group]}],
    )
    zone_group = reg(
        ResourceType.PRIVATE_DNS_ZONE_GROUP,
        f"pe-{group}-dns",
        parent=owner,
        feeds={"privateEndpointName": [endpoint], "privateDnsZoneConfigs": [zone_reg, link]},
        privateEndpointName=f"pe-x-{group}",
        privateDnsZoneGroupName="default",
        privateDnsZoneConfigs=[{"privateDnsZoneId": f"{ZONES}/{zone}"}],
    )
    return {"zone": zone_reg, "link": link, "component": owner, "endpoint": endpoint, "zone_group": zone_group}


def vault(public: str = "Disabled") -> Registration:
    return reg(
        ResourceType.VAULT,
        "vault",
        vaultName="kv-x",
        properties={
            "publicNetworkAccess": public,
            "networkAcls": {"defaultAction": "Allow", "bypass": "AzureServices"},
        },
    )


def gate(target: Registration, *depends_on: Registration) -> Registration:
    return reg(
        ResourceType.DYNAMIC,
        "secrets-officer-effective",
        depends_on=depends_on,
        feeds={"probe_url": [target]},
        probe_url="https://kv-x.vault.azure.net/secrets?api-version=7.4&maxresults=1",
        token_scope="https://vault.azure.net/.default",
    )


HOSTED = Agent(AgentKind.HOSTED, "ubuntu-24.04")
POOL = Agent(AgentKind.POOL, "mdp-x")


def command(kind: CommandKind, condition: str = "succeeded()") -> Command:
    return Command(kind, str(kind), condition, str(kind))


def stage(agent: Agent = POOL, *kinds: CommandKind, name: str = "deploy_t") -> Stage:
    """A stage of the platform's project."""
    commands = tuple(command(kind) for kind in kinds or (CommandKind.PULUMI_UP,))
    return Stage(name, "t", ".", agent, None, (), commands)


def foundation_stage(agent: Agent = HOSTED) -> Stage:
    """The foundation's stage, which creates the network and the pool."""
    return Stage("deploy_foundation_t", "t", FOUNDATION_DIR_NAME, agent, None, (), (command(CommandKind.PULUMI_UP),))


SEQUENCE = [foundation_stage(), stage()]
"""A private stack's deploy: the foundation on a Microsoft-hosted agent, then the platform on the pool."""


def private_vault(*, gate_waits_for_endpoint: bool, link_before_zone_group: bool = True) -> list[Registration]:
    """The network and the pool in the foundation; the vault, its private endpoint (with its own zone and link, to
    judge a zone group's wait for its link) and the probe in the platform."""
    net = in_foundation(network())
    target = vault()
    pe = private_endpoint(target, VAULT, "vault", VAULT_ZONE, net["vnet"])
    if not link_before_zone_group:
        zone_group = pe["zone_group"]
        pe["zone_group"] = reg(
            zone_group.type,
            zone_group.name,
            parent=pe["component"],
            feeds={"privateEndpointName": [pe["endpoint"]], "privateDnsZoneConfigs": [pe["zone"]]},
            **zone_group.inputs,
        )
    waits = (pe["endpoint"], pe["zone_group"]) if gate_waits_for_endpoint else ()
    return [*net.values(), target, *pe.values(), gate(target, *waits)]


def test_a_probe_that_waits_for_the_endpoint_and_its_registered_zone_reaches_the_vault_from_the_pool() -> None:
    result = rehearse(view_of(*private_vault(gate_waits_for_endpoint=True)), SEQUENCE)
    assert result.blocked == ()
    (line,) = [line for line in result.lines if "pool agent mdp-x -> vault kv-x (vault)" in line]
    assert line.strip().startswith("ok") and "private endpoint (pe-vault-endpoint, pe-vault-dns" in line


def test_what_an_operation_does_not_wait_for_may_not_exist_yet_even_if_an_earlier_wave_creates_it() -> None:
    regs = private_vault(gate_waits_for_endpoint=False)
    # The probe waits for a role assignment that itself waits for a chain: it lands in a late wave.
    first = reg(ResourceType.RESOURCE_GROUP, "group", resourceGroupName="rg")
    second = reg(ResourceType.ROLE_ASSIGNMENT, "officer", depends_on=[first], roleAssignmentName="officer")
    regs = [*regs[:-1], first, second, reg(regs[-1].type, regs[-1].name, depends_on=[second], **regs[-1].inputs)]
    view = view_of(*regs)
    waves = [[r.name for r in wave] for wave in view.waves()]
    endpoint_wave = next(i for i, wave in enumerate(waves) if "pe-vault-endpoint" in wave)
    gate_wave = next(i for i, wave in enumerate(waves) if "secrets-officer-effective" in wave)
    assert endpoint_wave < gate_wave, "in wave order the endpoint comes first; the engine does not promise that"
    (blocked,) = rehearse(view, SEQUENCE).blocked
    assert blocked.operation == "the vault access probe" and blocked.by == "secrets-officer-effective"
    assert blocked.conversation == "pool agent mdp-x -> vault kv-x (vault)"
    assert "pe-vault-endpoint, pe-vault-dns, zone-vault, zone-vault-link may not exist yet" in blocked.missing
    assert blocked.fix == "make secrets-officer-effective depend on pe-vault", "the component covers all four"


def test_an_endpoint_whose_zone_is_not_linked_yet_is_named_with_the_link_to_wait_for() -> None:
    regs = private_vault(gate_waits_for_endpoint=True, link_before_zone_group=False)
    (blocked,) = rehearse(view_of(*regs), SEQUENCE).blocked
    assert blocked.missing.startswith("zone-vault-link may not exist yet")
    assert blocked.fix == "make secrets-officer-effective depend on zone-vault-link"


def test_what_the_earlier_stages_created_exists_before_the_stage_that_runs_on_their_pool() -> None:
    result = rehearse(view_of(*private_vault(gate_waits_for_endpoint=True)), SEQUENCE)
    assert result.blocked == ()
    assert "  its agent: in the pool's subnet of the VNet; pool mdp-x exists, created by stage deploy_foundation_t" in (
        result.lines
    )
    assert "    before it: 3 resources exist already, from the stages before this one" in result.lines


def test_a_stage_on_a_pool_that_no_earlier_stage_created_cannot_start() -> None:
    regs = private_vault(gate_waits_for_endpoint=True)
    (blocked,) = rehearse(view_of(*regs), [stage(), foundation_stage()]).blocked
    assert (blocked.stage, blocked.operation, blocked.conversation) == (
        "deploy_t",
        "the stage's agent",
        "pool agent mdp-x",
    )
    assert blocked.missing == "pool mdp-x does not exist yet: no earlier stage created it"
    assert blocked.fix == "run stage deploy_t after stage deploy_foundation_t, whose `pulumi up` creates the pool"


def test_a_deploy_that_runs_on_the_pool_it_creates_cannot_start() -> None:
    """The layout before the foundation: one project held the pool and the stage ran on it."""
    regs = [r for r in private_vault(gate_waits_for_endpoint=True)]
    net = network()
    regs = [*net.values(), *regs[3:]]
    (blocked,) = rehearse(view_of(*regs), [stage()]).blocked
    assert blocked.missing == "pool mdp-x does not exist yet: no earlier stage created it"
    assert blocked.fix == (
        "stage deploy_t's own `pulumi up` creates pool mdp-x: deploy the pool first, from a Microsoft-hosted agent "
        "(ARM calls only), in a stage before it"
    )
    assert "  its steps are not replayed: the stage cannot start (the stages after it are judged as if it ran)" in (
        rehearse(view_of(*regs), [stage()]).lines
    )


def test_a_stage_on_a_pool_the_plan_does_not_create_names_the_pool_it_does() -> None:
    regs = private_vault(gate_waits_for_endpoint=True)
    elsewhere = stage(Agent(AgentKind.POOL, "mdp-other"))
    (blocked,) = rehearse(view_of(*regs), [foundation_stage(), elsewhere]).blocked
    assert blocked.missing == "no planned resource is a pool named mdp-other"
    assert blocked.fix == "run stage deploy_t on the pool the stack's foundation creates: mdp-x"


def test_the_foundation_stage_calls_arm_only() -> None:
    result = rehearse(view_of(*private_vault(gate_waits_for_endpoint=True)), SEQUENCE)
    foundation = result.lines[: result.lines.index("stage deploy_t: the platform stack t, on pool mdp-x")]
    assert foundation[0] == "stage deploy_foundation_t: foundation/ stack t, on Microsoft-hosted agent (ubuntu-24.04)"
    assert "    every resource through ARM: no operation of this `pulumi up` calls a data plane" in foundation


def test_a_microsoft_hosted_agent_has_no_path_to_a_private_vault_and_is_told_to_run_on_the_pool() -> None:
    regs = private_vault(gate_waits_for_endpoint=True)
    (blocked,) = rehearse(view_of(*regs), [foundation_stage(), stage(HOSTED)]).blocked
    assert blocked.conversation == "Microsoft-hosted agent -> vault kv-x (vault)"
    assert blocked.missing.startswith("there is no path at all (public network access is Disabled")
    assert blocked.fix == "run stage deploy_t on the stack's agent pool, inside the VNet"


def test_a_public_vault_is_reached_from_a_microsoft_hosted_agent_without_any_endpoint() -> None:
    target = vault(public="Enabled")
    result = rehearse(view_of(target, gate(target)), [stage(HOSTED)])
    assert result.blocked == ()
    assert any("Microsoft-hosted agent -> vault kv-x (vault) through public" in line for line in result.lines)


def server(*, azure_rule: bool) -> list[Registration]:
    sql = reg(ResourceType.SQL_SERVER, "sql", serverName="sql-x", publicNetworkAccess="Enabled")
    rule = reg(
        ResourceType.SQL_FIREWALL_RULE,
        "allow-azure",
        serverName="sql-x",
        firewallRuleName="AllowAllWindowsAzureIps",
        startIpAddress="0.0.0.0",
        endIpAddress="0.0.0.0",
    )
    return [sql, rule] if azure_rule else [sql]


DEPLOY = (
    CommandKind.REGISTER_PROVIDERS,
    CommandKind.TRIGGERS_STOP,
    CommandKind.PULUMI_UP,
    CommandKind.SQL_APPLY,
    CommandKind.TRIGGERS_START,
)


def test_the_sql_scripts_run_after_pulumi_up_from_the_stages_agent() -> None:
    result = rehearse(view_of(*server(azure_rule=True)), [stage(HOSTED, *DEPLOY)])
    assert result.blocked == ()
    assert [line.split(":")[0] for line in result.lines if line.startswith("  ") and line[2] != " "] == [
        "  its agent",
        "  az provider register",
        "  ops triggers stop",
        "  pulumi up",
        "  ops sql apply",
        "  ops triggers start",
    ]
    assert "  ops triggers start: ARM only, no network path" in result.lines
    (blocked,) = rehearse(view_of(*server(azure_rule=False)), [stage(HOSTED, *DEPLOY)]).blocked
    assert (blocked.operation, blocked.by) == ("the SQL scripts", "ops sql apply")
    assert "no firewall rule admits Azure-hosted callers" in blocked.missing


def test_a_step_that_runs_only_after_a_failure_is_listed_and_not_replayed() -> None:
    restore = dataclasses.replace(stage(HOSTED), commands=(command(CommandKind.SQL_APPLY, "failed()"),))
    result = rehearse(view_of(*server(azure_rule=False)), [restore])
    assert result.blocked == ()
    assert "  ops sql apply: only when failed(), not on the path a deploy takes" in result.lines


def test_the_transitions_check_of_a_preview_is_offline_and_not_run_from_empty_state() -> None:
    check = command(CommandKind.TRANSITIONS, "and(succeeded(), ne(variables['lastDeployedRun'], 'none'))")
    preview = dataclasses.replace(
        stage(HOSTED, name="preview_t"), commands=(check, command(CommandKind.PULUMI_PREVIEW))
    )
    result = rehearse(view_of(*server(azure_rule=True)), [preview])
    assert result.blocked == ()
    assert result.lines[-2:] == (
        "  ops plan --from: offline, no Azure call; it runs once a run has deployed the stack, so not from empty state",
        "  pulumi preview: ARM and the state backend only, no network path to a data plane",
    )


def test_only_the_operations_that_call_a_data_plane_need_a_path() -> None:
    target = vault()
    approval = reg(ResourceType.DYNAMIC, "approval", kind="managed-private-endpoint-approval", targetResourceId=VAULT)
    other = reg(ResourceType.DYNAMIC, "something-else", anything="x")
    found = deploy_operations(view_of(target, gate(target), approval, other))
    assert {op.reg.name: (op.what, [(n.caller, n.group_id) for n in op.needs]) for op in found.values()} == {
        "secrets-officer-effective": ("the vault access probe", [(NodeKind.AGENT, "vault")]),
        "approval": ("the managed endpoint approval", []),
    }


def lake_pipeline(runtime: str | None) -> list[Registration]:
    """A closed lake, the factory with a managed runtime and an approved managed endpoint, and a data flow activity
    on `runtime` (None: the activity names none)."""
    lake_id = f"{PROVIDERS}/Microsoft.Storage/storageAccounts/stlake"
    lake = reg(
        ResourceType.STORAGE_ACCOUNT,
        "lake",
        accountName="stlake",
        isHnsEnabled=True,
        publicNetworkAccess="Disabled",
        networkRuleSet={"defaultAction": "Deny", "bypass": "AzureServices"},
    )
    factory = reg(ResourceType.FACTORY, "adf", factoryName="adf-x")
    ir = reg(
        ResourceType.INTEGRATION_RUNTIME,
        "ir",
        factoryName="adf-x",
        integrationRuntimeName="ir-managed",
        properties={"type": "Managed", "managedVirtualNetwork": {"referenceName": "default"}},
    )
    managed = approved_managed_endpoint(lake_id, "dfs", "mpe-lake-dfs")
    service = reg(
        ResourceType.LINKED_SERVICE,
        "ls",
        factoryName="adf-x",
        linkedServiceName="LS_Lake",
        properties={
            "type": "AzureBlobFS",
            "url": "https://stlake.dfs.core.windows.net/",
            "connectVia": {"referenceName": "ir-managed", "type": "IntegrationRuntimeReference"},
        },
    )
    dataset = reg(
        ResourceType.DATASET,
        "ds",
        factoryName="adf-x",
        datasetName="DS_Lake",
        properties={"type": "Parquet", "linkedServiceName": {"referenceName": "LS_Lake"}},
    )
    flow = reg(
        ResourceType.DATA_FLOW,
        "df",
        factoryName="adf-x",
        dataFlowName="DF",
        properties={"type": "MappingDataFlow", "sinks": [{"name": "Out", "dataset": {"referenceName": "DS_Lake"}}]},
    )
    activity: dict[str, Any] = {"name": "Run", "type": "ExecuteDataFlow", "dataFlow": {"referenceName": "DF"}}
    if runtime is not None:
        activity["integrationRuntime"] = {"referenceName": runtime, "type": "IntegrationRuntimeReference"}
    pipeline = reg(ResourceType.PIPELINE, "pl", factoryName="adf-x", pipelineName="PL_Flow", activities=[activity])
    return [lake, factory, ir, *managed, service, dataset, flow, pipeline]


@pytest.mark.parametrize("runtime", [None, "AutoResolveIntegrationRuntime"])
def test_a_pipelines_first_run_on_the_public_runtime_cannot_reach_a_closed_lake(runtime: str | None) -> None:
    (blocked,) = rehearse(view_of(*lake_pipeline(runtime)), []).blocked
    assert blocked.operation == "the first run of PL_Flow"
    assert blocked.conversation == "factory adf-x on AutoResolveIntegrationRuntime -> lake stlake (dfs)"
    assert "which is in no managed virtual network" in blocked.missing
    assert "a data flow activity's `integrationRuntime`" in blocked.fix


def test_a_pipelines_first_run_on_the_managed_runtime_reaches_the_lake_through_its_managed_endpoint() -> None:
    result = rehearse(view_of(*lake_pipeline("ir-managed")), [])
    assert result.blocked == ()
    assert (
        "    ok   factory adf-x on ir-managed -> lake stlake (dfs) through managed private endpoint (ir, mpe, approval)"
        in (result.lines)
    )
