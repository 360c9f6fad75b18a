"""`python -m ops diagram`: the stack's architecture, drawn from its offline plan.

Nothing here is a hand-kept list of boxes and arrows. The plan says which resources
exist and how they are wired, and the picture follows from it:

- a cluster per component resource (nested as the components are), holding the main
  resources of that component, named as Azure names them (`accountName`, `vaultName`...);
  the factory's content is summarised ("4 pipelines, 5 triggers"), not drawn item by item;
- a role assignment draws an arrow between the identity it is granted to and the
  resource of its scope: a Storage Blob Data role is a write into that storage (the
  generator's grant on the bronze container is generator -> bronze), a Key Vault Secrets
  User grant is vault -> consumer;
- the factory's linked services connect it to what they point at (SQL, the lake, the
  Function app, the vault); its pipelines' copy activities and data flows draw data
  lineage from the store of each source dataset to the store of each sink dataset
  (bronze -> silver through the mapping data flow, SQL -> archive...); blob-event
  triggers draw the container whose events start them;
- diagnostic settings, workspace-based App Insights and metric alerts draw the
  telemetry arrows into the Log Analytics workspace and the action group.

The DOT source is deterministic: everything is sorted, node ids are the resources'
logical names (not diagrams' random ids) and icons are referenced relative to the
diagrams package, so the same plan gives byte-identical source on any machine.
Graphviz's `dot` renders it.
"""

from preview.diagram.builder import architecture
from preview.diagram.dot import diagram_source
from preview.diagram.graphviz_cli import (
    FORMATS,
    GRAPHVIZ_HINT,
    ICON_ROOT,
    GraphvizNotFoundError,
    dot_binary,
    render,
)
from preview.diagram.model import EDGE_STYLES, Architecture

__all__ = [
    "EDGE_STYLES",
    "FORMATS",
    "GRAPHVIZ_HINT",
    "ICON_ROOT",
    "Architecture",
    "GraphvizNotFoundError",
    "architecture",
    "diagram_source",
    "dot_binary",
    "render",
]
