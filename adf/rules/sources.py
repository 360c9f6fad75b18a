"""The pages and recorded error texts the ADF content rules come from, each with the version read and the day, and
the templates ADF generated on Publish that show it accepted content a page rules out.

A finding names a rule's first source by its short title; the README's table gives the addresses. Where a
page and a recorded error text disagree, the rule cites both and follows the error. Where ADF published content
that breaks a page's rule (an `ARMTemplateForFactory.json` on a repository's publish branch, which ADF writes only
after its own validation passed), the rule warns instead of refusing and names that template, at its commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

READ_ON = date(2026, 12, 6)
"""The day every page below was read (from the stored copies of Microsoft Learn and GitHub)."""


@dataclass(frozen=True)
class Source:
    """A Microsoft page, or a thread that records what the service answered."""

    title: str
    """The short title a finding names."""
    url: str
    version: str
    """Which copy was read: the page's `ms.date`, or the date of the thread."""
    read_on: date = READ_ON


_ADF = "https://learn.microsoft.com/azure/data-factory"

LIMITS = Source(
    "Data Factory limits",
    "https://learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-service-limits"
    "#azure-data-factory-limits",
    "ms.date 2026-08-04",
)
LIMITS_2024 = Source(
    "Data Factory limits (include of 2024-03-19)",
    "https://github.com/MicrosoftDocs/azure-docs/blob/main/includes/azure-data-factory-limits.md",
    "ms.date 2024-03-19",
)
ACTIVITIES_TO_80 = Source(
    "Data Factory Increases Maximum Activities Per Pipeline to 80",
    "https://blog.fabric.microsoft.com/en-us/blog/add-up-to-80-activities-to-your-pipeline/",
    "March 2024",
)
PIPELINES = Source("Pipelines and activities", f"{_ADF}/concepts-pipelines-activities", "git copy, ms.date 2019-11-19")
NAMING = Source("Azure Data Factory naming rules", f"{_ADF}/naming-rules", "ms.date 2020-10-15")
ARM_NAMES = Source(
    "Naming rules for Azure resources",
    "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftdatafactory",
    "ms.date 2023-11-20",
)
DATASET_NAME_ERROR = Source(
    "deployed, then refused in a debug run: dataset name letters, numbers or underscores",
    "https://github.com/MicrosoftDocs/azure-docs/issues/119502",
    "2024-02-05",
)
STUDIO_NAME_ERROR = Source(
    "ADF Studio error: name letters, numbers, underscores or spaces",
    "https://github.com/MicrosoftDocs/azure-docs/issues/84862",
    "2021-12-06",
)
ACTION_NAME_ERROR = Source(
    "ADF error InvalidWorkflowRunActionName",
    "https://github.com/dfe-analytical-services/explore-education-statistics/pull/7092",
    "2026-06-18",
)
INVALID_REFERENCE_ERROR = Source(
    "ADF error: invalid reference on create",
    "https://github.com/liprec/vsts-publish-adf/issues/43",
    "2019-11-01",
)
NESTED = Source("Nested activities", f"{_ADF}/concepts-nested-activities", "ms.date 2022-10-24")
FOREACH = Source("ForEach activity", f"{_ADF}/control-flow-for-each-activity", "ms.date 2022-10-26")
UNTIL = Source("Until activity", f"{_ADF}/control-flow-until-activity", "ms.date 2025-03-20")
SWITCH = Source("Switch activity", f"{_ADF}/control-flow-switch-activity", "ms.date 2023-10-20")
WEB = Source("Web activity", f"{_ADF}/control-flow-web-activity", "ms.date 2022-10-25")
SET_VARIABLE = Source("Set Variable activity", f"{_ADF}/control-flow-set-variable-activity", "ms.date 2018-10-10")
COPY_PERFORMANCE = Source(
    "Copy activity performance features", f"{_ADF}/copy-activity-performance-features", "git copy"
)
DATA_FLOW_ACTIVITY = Source("Data Flow activity", f"{_ADF}/control-flow-execute-data-flow-activity", "git copy")
REST_API = Source(
    "Data Factory REST API 2018-06-01",
    "https://learn.microsoft.com/rest/api/datafactory/",
    "the specification as azure-mgmt-datafactory 10.0.0 documents it; retryIntervalInSeconds bounds as "
    "Azure/bicep-types-az generates them",
)
TUMBLING_WINDOW = Source(
    "Create tumbling window triggers", f"{_ADF}/how-to-create-tumbling-window-trigger", "ms.date 2024-01-05"
)
TUMBLING_WINDOW_DEPENDENCY = Source(
    "Tumbling window trigger dependency", f"{_ADF}/tumbling-window-trigger-dependency", "git copy"
)
SCHEDULE = Source("Create a schedule trigger", f"{_ADF}/how-to-create-schedule-trigger", "git copy")
STORAGE_EVENTS = Source("Storage event trigger", f"{_ADF}/how-to-create-event-trigger", "ms.date 2024-05-24")
CUSTOM_EVENTS = Source("Custom event trigger", f"{_ADF}/how-to-create-custom-event-trigger", "ms.date 2021-05-07")

RETRY_INTERVAL_ERROR = Source(
    "ADF factory validation: retryIntervalInSeconds must be 30 to 86400",
    "https://github.com/MicrosoftDocs/azure-docs/issues/31227",
    "2019-05-15",
)
DATASET_RUN_ERROR = Source(
    "ADF run error: the name of the entity contains invalid characters",
    "https://github.com/MicrosoftDocs/azure-docs/issues/5207",
    "2018-03-02",
)
LINKED_SERVICE_DASH_ERROR = Source(
    "ADF: linked service names with dashes fail (internal server error)",
    "https://github.com/MicrosoftDocs/azure-docs/issues/6621",
    "2018-04-05",
)


def _published(repository: str, commit: str, template: str, what: str, day: str) -> Source:
    """A template ADF generated on Publish, at the commit that holds it: evidence that ADF accepted `what`."""
    return Source(
        f"published by ADF in {repository}@{commit[:7]} ({what})",
        f"https://github.com/{repository}/blob/{commit}/{template}",
        day,
    )


PUBLISHED_SHORT_TIMEOUTS = _published(
    "mrpaulandrew/procfwk",
    "8a7ecb861b493032889bfbea10e3cd63de39d6ff",
    "FrameworkFactory/ARMTemplateForFactory.json",
    "pipeline 04-Infant, timeouts 0.00:00:30 and 0.00:01:00",
    "adf_publish, 2022-10-27",
)
PUBLISHED_SHORT_TIMEOUT_NUUDAY = _published(
    "nuuday/nuudw",
    "b52c387c8707b8dc13abfc0848d63e54896280e5",
    "nuudw-adf01-dev/ARMTemplateForFactory.json",
    "pipeline SSAS_Process, timeout 0.00:01:40",
    "factory/adf_publish, 2025-01-03",
)
PUBLISHED_LONG_TIMEOUT = _published(
    "justanalytics/EPS-Datalake",
    "1fa1af2a52a890c28b50b1b6e084f1085993c181",
    "eps-adf-datalake-dev-001/ARMTemplateForFactory.json",
    "pipeline Resume_Synapse, timeout 12.00:00:00",
    "adf_publish, 2021-01-18",
)
PUBLISHED_ONE_DIGIT_HOUR = _published(
    "justanalytics/EPS-Datalake",
    "1fa1af2a52a890c28b50b1b6e084f1085993c181",
    "eps-adf-datalake-dev-001/ARMTemplateForFactory.json",
    "pipeline InitializeGuzzleBatchRun, Until timeout 2.0:01:00",
    "adf_publish, 2021-01-18",
)
PUBLISHED_ZERO_DIU = _published(
    "nuuday/nuudw",
    "b52c387c8707b8dc13abfc0848d63e54896280e5",
    "nuudw-adf01-dev/ARMTemplateForFactory.json",
    "34 Copy activities with dataIntegrationUnits 0",
    "factory/adf_publish, 2025-01-03",
)
PUBLISHED_LINKED_SERVICE_DASH = _published(
    "hmcts/vh-reports",
    "80c7b9d58900f3477670f6d80ea9c4a883a00c0f",
    "vh-datafactory-dev/ARMTemplateForFactory.json",
    "linked services vhreporting-kv-link, vhreporting-sds-kv-link",
    "adf_publish, 2022-12-19",
)
PUBLISHED_DATAFLOW_DASH = _published(
    "kromerm/makadfwestus2",
    "9c4f2df3b24bc3d00d409a118923c0806b5c6dd3",
    "makadfwestus2/ARMTemplateForFactory.json",
    "data flow driftflow-1",
    "adf_publish, 2023-09-13",
)
PUBLISHED_WRANGLING_SOURCE = _published(
    "kromerm/makadfwestus2",
    "9c4f2df3b24bc3d00d409a118923c0806b5c6dd3",
    "makadfwestus2/ARMTemplateForFactory.json",
    "wrangling data flows TaxiWrangle and mytaxidemo, source taxi_fare_data_input1",
    "adf_publish, 2023-09-13",
)
PUBLISHED_RETRY_RAISED = _published(
    "mrpaulandrew/procfwk",
    "8a7ecb861b493032889bfbea10e3cd63de39d6ff",
    "FrameworkFactory/ARMTemplateForFactory.json",
    "pipeline 04-Infant: the collaboration commit 3cf79ab has retryIntervalInSeconds 5, the template 30",
    "adf_publish, 2022-10-27",
)
RUNTIME_NAME_ERROR = Source(
    "ADF Studio error: integration runtime name letters, numbers and dashes",
    "https://github.com/MicrosoftDocs/azure-docs/issues/56784",
    "2020-06-10",
)
