"""The architecture view's nodes: the main resources, named as Azure names them, each in its network zone."""

from __future__ import annotations

from diagrams import Node
from diagrams.azure.analytics import DataFactories
from diagrams.azure.compute import FunctionApps
from diagrams.azure.database import SQLDatabases, SQLServers
from diagrams.azure.devops import Devops, Pipelines
from diagrams.azure.managementgovernance import Alerts
from diagrams.azure.monitor import ApplicationInsights, LogAnalyticsWorkspaces
from diagrams.azure.network import Connections, PrivateEndpoint
from diagrams.azure.security import KeyVaults
from diagrams.azure.storage import ArchiveStorage, BlobStorage, DataLakeStorage, StorageAccounts
from diagrams.azure.web import AppServices

from preview.diagram.model import NodeSpec, as_node_id, icon_path, plural, two_per_line
from preview.diagram.zones import PUBLIC_SERVICES, ZoneIndex
from preview.mocks import Registration

CONTENT_KINDS = (
    ("LinkedService", "linked service"),
    ("Dataset", "dataset"),
    ("DataFlow", "data flow"),
    ("Pipeline", "pipeline"),
    ("Trigger", "trigger"),
)

LIFECYCLE_STEPS = (("tierToCool", "cool"), ("tierToCold", "cold"), ("tierToArchive", "archive"), ("delete", "delete"))
"""A lifecycle rule's base-blob actions, in the order they apply, and the word the diagram shows for each."""


class NodeBuilder(ZoneIndex):
    """Adds a node per drawn resource, one per zone for its private endpoints, and one for the factory's content."""

    def node(self, reg: Registration, label: str, icon: type[Node], node_id: str | None = None) -> str | None:
        return self.add_node(reg, label, icon_path(icon), self.zone_of(reg), node_id)

    def build_nodes(self) -> None:
        accounts = {r.inputs.get("accountName"): r for r in self.of_type("storage:StorageAccount")}
        lake_accounts = {name for name, r in accounts.items() if r.inputs.get("isHnsEnabled") is True}
        lifecycles = self._lifecycle_prefixes()

        for reg in self.of_type("storage:StorageAccount"):
            name = str(reg.inputs.get("accountName", reg.name))
            if name in lake_accounts:
                self.node(reg, f"{name}\nADLS Gen2", DataLakeStorage)
            else:
                self.node(reg, name, StorageAccounts)
        for reg in self.of_type("storage:BlobContainer"):
            account = reg.inputs.get("accountName")
            if account not in lake_accounts:
                continue  # a service's own storage (the Function app's package); its account stands for it
            container = str(reg.inputs.get("containerName", reg.name))
            policy = lifecycles.get((str(account), container))
            if policy:
                self.node(reg, f"{container}\n{policy}", ArchiveStorage)
            else:
                self.node(reg, container, BlobStorage)
        for reg in self.of_type("keyvault:Vault"):
            name = str(reg.inputs.get("vaultName", reg.name))
            secrets = sum(1 for s in self.of_type("keyvault:Secret") if s.inputs.get("vaultName") == name)
            self.node(reg, f"{name}\n{plural(secrets, 'secret')}", KeyVaults)
        for reg in self.of_type("web:WebApp"):
            kind = str(reg.inputs.get("kind", ""))
            icon: type[Node] = FunctionApps if "functionapp" in kind else AppServices
            runtime = (reg.inputs.get("functionAppConfig") or {}).get("runtime") or {}
            detail = f"\n{runtime.get('name')} {runtime.get('version')}" if runtime.get("name") else ""
            self.node(reg, f"{reg.inputs.get('name', reg.name)}{detail}", icon)
        for reg in self.of_type("datafactory:Factory"):
            self.node(reg, str(reg.inputs.get("factoryName", reg.name)), DataFactories)
        databases = self.of_type("sql:Database")
        for reg in databases:
            label = f"{reg.inputs.get('databaseName', reg.name)}\non {reg.inputs.get('serverName', '?')}"
            self.node(reg, label, SQLDatabases)
        served = {d.inputs.get("serverName") for d in databases}
        for reg in self.of_type("sql:Server"):
            if reg.inputs.get("serverName") not in served:
                self.node(reg, str(reg.inputs.get("serverName", reg.name)), SQLServers)
        for reg in self.of_type("operationalinsights:Workspace"):
            self.node(reg, str(reg.inputs.get("workspaceName", reg.name)), LogAnalyticsWorkspaces)
        for reg in self.of_type("applicationinsights:Component"):
            self.node(reg, str(reg.inputs.get("resourceName", reg.name)), ApplicationInsights)
        for reg in self.of_type("monitor:ActionGroup"):
            self.node(reg, str(reg.inputs.get("actionGroupName", reg.name)), Alerts)
        for component in sorted(self.components.values(), key=lambda r: r.urn):
            if component.type == "data-platform:integration:DataFactoryContent":
                self._content_summary(component)
        self._network_nodes()

    def _network_nodes(self) -> None:
        """The runtime, the agent pool, and one node for the private endpoints of each zone (its edges say to what)."""
        for reg in self.of_type("datafactory:IntegrationRuntime"):
            managed = (reg.inputs.get("properties") or {}).get("managedVirtualNetwork")
            kind = "managed VNet" if managed else "Azure IR, no VNet"
            self.node(reg, f"{reg.inputs.get('integrationRuntimeName', reg.name)}\n{kind}", Connections)
        for reg in self.of_type("devopsinfrastructure:Pool"):
            agents = plural(int(reg.inputs.get("maximumConcurrency") or 0), "agent")
            self.node(reg, f"{reg.inputs.get('poolName', reg.name)}\ndeploy agents, {agents}", Devops)
        endpoints: dict[tuple[str, str], list[Registration]] = {}
        for reg in self.of_type("network:PrivateEndpoint"):
            endpoints.setdefault((self.zone_of(reg), "private endpoint"), []).append(reg)
        for reg in self.of_type("datafactory:ManagedPrivateEndpoint"):
            endpoints.setdefault((self.zone_of(reg), "managed private endpoint"), []).append(reg)
        for (zone, noun), found in sorted(endpoints.items()):
            node_id = as_node_id(f"endpoints_{zone}")
            for reg in found:
                nid = self.node(reg, plural(len(found), noun), PrivateEndpoint, node_id)
                if nid is not None and nid != node_id:  # the zone's node is drawn already
                    del self.nodes[nid]
                    self.node_of[reg.urn] = node_id

    def _lifecycle_prefixes(self) -> dict[tuple[str, str], str]:
        """(account, container) -> a short description of the lifecycle rule that tiers or deletes its blobs."""
        found: dict[tuple[str, str], str] = {}
        for reg in self.of_type("storage:ManagementPolicy"):
            account = str(reg.inputs.get("accountName"))
            for rule in (reg.inputs.get("policy") or {}).get("rules") or []:
                definition = rule.get("definition") or {}
                actions = (definition.get("actions") or {}).get("baseBlob") or {}
                if not set(actions) & {action for action, _ in LIFECYCLE_STEPS}:
                    continue
                steps = []
                for action, word in LIFECYCLE_STEPS:
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
        zone = self.zone_of(inside[0]) if inside else PUBLIC_SERVICES  # the factory's: content lives in it
        self.nodes[nid] = NodeSpec(nid, two_per_line(parts) or "no content", icon_path(Pipelines), zone)
        self.node_of[component.urn] = nid
