"""The diagram's nodes: the main resources of each component, named as Azure names them."""

from __future__ import annotations

from diagrams import Node
from diagrams.azure.analytics import DataFactories
from diagrams.azure.compute import FunctionApps
from diagrams.azure.database import SQLDatabases, SQLServers
from diagrams.azure.devops import Devops, Pipelines
from diagrams.azure.general import Resourcegroups
from diagrams.azure.managementgovernance import Alerts
from diagrams.azure.monitor import ApplicationInsights, LogAnalyticsWorkspaces
from diagrams.azure.network import Connections, PrivateEndpoint, Subnets, VirtualNetworks
from diagrams.azure.security import KeyVaults
from diagrams.azure.storage import ArchiveStorage, BlobStorage, DataLakeStorage, StorageAccounts
from diagrams.azure.web import AppServices

from preview.diagram.index import PlanIndex
from preview.diagram.model import NodeSpec, as_node_id, plural, two_per_line
from preview.mocks import Registration

CONTENT_KINDS = (
    ("LinkedService", "linked service"),
    ("Dataset", "dataset"),
    ("DataFlow", "data flow"),
    ("Pipeline", "pipeline"),
    ("Trigger", "trigger"),
)


class NodeBuilder(PlanIndex):
    """Adds a node per drawn resource, and one summary node for the factory's content."""

    def build_nodes(self) -> None:
        accounts = {r.inputs.get("accountName"): r for r in self.of_type("storage:StorageAccount")}
        lake_accounts = {name for name, r in accounts.items() if r.inputs.get("isHnsEnabled") is True}
        archive_tiered = self._archive_tiered_prefixes()

        for reg in self.of_type("resources:ResourceGroup"):
            self.add_node(reg, str(reg.inputs.get("resourceGroupName", reg.name)), Resourcegroups)
        for reg in self.of_type("storage:StorageAccount"):
            name = str(reg.inputs.get("accountName", reg.name))
            if name in lake_accounts:
                self.add_node(reg, f"{name}\nADLS Gen2", DataLakeStorage)
            else:
                self.add_node(reg, name, StorageAccounts)
        for reg in self.of_type("storage:BlobContainer"):
            account = reg.inputs.get("accountName")
            if account not in lake_accounts:
                continue  # a service's own storage (the Function app's package); its account stands for it
            container = str(reg.inputs.get("containerName", reg.name))
            policy = archive_tiered.get((str(account), container))
            if policy:
                self.add_node(reg, f"{container}\n{policy}", ArchiveStorage)
            else:
                self.add_node(reg, container, BlobStorage)
        for reg in self.of_type("keyvault:Vault"):
            name = str(reg.inputs.get("vaultName", reg.name))
            secrets = sum(1 for s in self.of_type("keyvault:Secret") if s.inputs.get("vaultName") == name)
            self.add_node(reg, f"{name}\n{plural(secrets, 'secret')}", KeyVaults)
        for reg in self.of_type("web:WebApp"):
            kind = str(reg.inputs.get("kind", ""))
            icon: type[Node] = FunctionApps if "functionapp" in kind else AppServices
            runtime = (reg.inputs.get("functionAppConfig") or {}).get("runtime") or {}
            detail = f"\n{runtime.get('name')} {runtime.get('version')}" if runtime.get("name") else ""
            self.add_node(reg, f"{reg.inputs.get('name', reg.name)}{detail}", icon)
        for reg in self.of_type("datafactory:Factory"):
            self.add_node(reg, str(reg.inputs.get("factoryName", reg.name)), DataFactories)
        databases = self.of_type("sql:Database")
        for reg in databases:
            label = f"{reg.inputs.get('databaseName', reg.name)}\non {reg.inputs.get('serverName', '?')}"
            self.add_node(reg, label, SQLDatabases)
        served = {d.inputs.get("serverName") for d in databases}
        for reg in self.of_type("sql:Server"):
            if reg.inputs.get("serverName") not in served:
                self.add_node(reg, str(reg.inputs.get("serverName", reg.name)), SQLServers)
        for reg in self.of_type("operationalinsights:Workspace"):
            self.add_node(reg, str(reg.inputs.get("workspaceName", reg.name)), LogAnalyticsWorkspaces)
        for reg in self.of_type("applicationinsights:Component"):
            self.add_node(reg, str(reg.inputs.get("resourceName", reg.name)), ApplicationInsights)
        for reg in self.of_type("monitor:ActionGroup"):
            self.add_node(reg, str(reg.inputs.get("actionGroupName", reg.name)), Alerts)
        for component in sorted(self.components.values(), key=lambda r: r.urn):
            if component.type == "data-platform:integration:DataFactoryContent":
                self._content_summary(component)
        self._network_nodes()

    def _network_nodes(self) -> None:
        """The VNet, its subnets, the private endpoints (drawn in the network), the runtime and the agent pool."""
        networks = [c for c in self.components.values() if c.type == "data-platform:network:Network"]
        for reg in self.of_type("network:VirtualNetwork"):
            prefixes = (reg.inputs.get("addressSpace") or {}).get("addressPrefixes") or []
            self.add_node(
                reg, f"{reg.inputs.get('virtualNetworkName', reg.name)}\n{', '.join(prefixes)}", VirtualNetworks
            )
        for reg in self.of_type("network:Subnet"):
            delegations: list[dict[str, str]] = reg.inputs.get("delegations") or []
            delegation = delegations[0].get("serviceName") if delegations else None
            detail = f"\n{delegation}" if delegation else ""
            self.add_node(
                reg, f"{reg.inputs.get('subnetName', reg.name)} {reg.inputs.get('addressPrefix', '')}{detail}", Subnets
            )
        for reg in self.of_type("network:PrivateEndpoint"):
            groups = [g for c in reg.inputs.get("privateLinkServiceConnections") or [] for g in c.get("groupIds") or []]
            self.add_node(
                reg, f"{reg.inputs.get('privateEndpointName', reg.name)}\n{', '.join(groups)}", PrivateEndpoint
            )
            if networks:  # one box for the network, not one per endpoint
                node = self.nodes[self.node_of[reg.urn]]
                self.nodes[node.id] = NodeSpec(node.id, node.label, node.icon, networks[0].urn)
        for reg in self.of_type("datafactory:IntegrationRuntime"):
            managed = (reg.inputs.get("properties") or {}).get("managedVirtualNetwork")
            kind = "managed VNet" if managed else "Azure IR, no VNet"
            self.add_node(reg, f"{reg.inputs.get('integrationRuntimeName', reg.name)}\n{kind}", Connections)
        for reg in self.of_type("datafactory:ManagedPrivateEndpoint"):
            group = (reg.inputs.get("properties") or {}).get("groupId")
            self.add_node(
                reg, f"{reg.inputs.get('managedPrivateEndpointName', reg.name)}\nmanaged, {group}", PrivateEndpoint
            )
        for reg in self.of_type("devopsinfrastructure:Pool"):
            agents = plural(int(reg.inputs.get("maximumConcurrency") or 0), "agent")
            self.add_node(reg, f"{reg.inputs.get('poolName', reg.name)}\ndeploy agents, {agents}", Devops)

    def _archive_tiered_prefixes(self) -> dict[tuple[str, str], str]:
        """(account, container) -> a short description of the lifecycle rule that tiers it to archive."""
        found: dict[tuple[str, str], str] = {}
        for reg in self.of_type("storage:ManagementPolicy"):
            account = str(reg.inputs.get("accountName"))
            for rule in (reg.inputs.get("policy") or {}).get("rules") or []:
                definition = rule.get("definition") or {}
                actions = (definition.get("actions") or {}).get("baseBlob") or {}
                if "tierToArchive" not in actions:
                    continue
                steps = []
                for action, word in (("tierToCool", "cool"), ("tierToArchive", "archive"), ("delete", "delete")):
                    days = (actions.get(action) or {}).get("daysAfterModificationGreaterThan")
                    if days is not None:
                        steps.append(f"{word} {days}d")
                for prefix in (definition.get("filters") or {}).get("prefixMatch") or []:
                    container = str(prefix).split("/", 1)[0]
                    found[(account, container)] = two_per_line(steps)
        return found

    def _content_summary(self, component: Registration) -> None:
        inside = [r for r in self.plan.resources if r.custom and self.component_of(r) == component.urn]
        parts = []
        for type_name, noun in CONTENT_KINDS:
            count = sum(1 for r in inside if r.type == f"azure-native:datafactory:{type_name}")
            if count:
                parts.append(plural(count, noun))
        nid = as_node_id(f"{component.name}_summary")
        self.nodes[nid] = NodeSpec(nid, two_per_line(parts) or "no content", Pipelines, component.urn)
        self.node_of[component.urn] = nid
