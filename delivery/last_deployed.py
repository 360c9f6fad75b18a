"""The last run of this pipeline that deployed a stack: `python -m delivery.last_deployed --tag deployed-<stack>`.

A deploy stage tags its run `deployed-<stack>` (`deployed-foundation-<stack>` for a foundation) as soon as
`pulumi up` succeeded (`##vso[build.addbuildtag]`, "Build commands: AddBuildTag",
https://learn.microsoft.com/azure/devops/pipelines/scripts/logging-commands). The `plans` artifact of that run,
which its validate stage wrote with `python -m ops plan --json`, is then the plan of what the stack runs now, and
the stack's next preview stage checks the transitions from it (`python -m ops plan --from`, transitions/README.md)
before anyone approves the release.

`DownloadPipelineArtifact@2` finds that run itself (`runVersion: latestFromBranch` with `tags`), but when no run
matches it fails ("BuildsDoesNotExist": `GetPipelineIdAsync` in microsoft/azure-pipelines-agent,
src/Agent.Plugins/PipelineArtifact/PipelineArtifactPluginV2.cs), and on a stack's first deploy none does. So this
asks the same question first, with the filters the task sends (same file): this pipeline's runs on the branch
carrying the tag, whose result is one the task accepts (succeeded, or with `allowPartiallySucceededBuilds` and
`allowFailedBuilds`, partially succeeded or failed: a later stage of the run may have failed after this stack
deployed), the newest finish first ("Builds - List", query parameters `definitions`, `branchName`, `tagFilters`,
`resultFilter`, `queryOrder`, `$top`: https://learn.microsoft.com/rest/api/azure/devops/build/builds/list). A run
still in progress has no result and is not found, as by the task; with `trigger: batch: true` a CI run starts only
once the previous one finished ("changes submitted while a CI pipeline is running will be batched and built in one
new CI pipeline when the current pipeline finishes", https://learn.microsoft.com/dotnet/api/
microsoft.teamfoundation.distributedtask.pipelines.continuousintegrationtrigger.batchchanges).

It sets the job variable `lastDeployedRun` to that run's id, or to `none` with a warning that says the check is
skipped; the download and the check run only when it names a run. It reads the predefined variables
System.CollectionUri, System.TeamProjectId, System.DefinitionId and System.AccessToken, which a step receives only
when it maps it (https://learn.microsoft.com/azure/devops/pipelines/build/variables). Any other failure (no answer,
a refusal) fails the step, so a check that cannot run is never mistaken for a first deploy.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from azure.core import PipelineClient
from azure.core.exceptions import AzureError
from azure.core.pipeline.policies import RetryPolicy
from azure.core.rest import HttpRequest, HttpResponse

API_VERSION = "7.1"
TAG_PREFIX = "deployed-"
"""A deploy stage tags its run `deployed-<stack>`, or `deployed-foundation-<stack>` for a foundation."""
VARIABLE = "lastDeployedRun"
"""The job variable the download and the check read."""
NONE = "none"
"""Its value when no run deployed the stack."""
MAIN = "refs/heads/main"
RESULTS = ("succeeded", "partiallySucceeded", "failed")
"""The results DownloadPipelineArtifact@2 accepts with `allowPartiallySucceededBuilds` and `allowFailedBuilds`."""
REQUIRED = ("SYSTEM_COLLECTIONURI", "SYSTEM_TEAMPROJECTID", "SYSTEM_DEFINITIONID", "SYSTEM_ACCESSTOKEN")


class BuildsLookupError(Exception):
    """Azure DevOps did not answer the question (a refusal, an answer of another shape)."""


@dataclass(frozen=True)
class Run:
    id: int
    number: str


def builds_request(env: Mapping[str, str], tag: str, branch: str) -> HttpRequest:
    """The request for the newest finished run of this pipeline on `branch` tagged `tag`."""
    query = {
        "definitions": env["SYSTEM_DEFINITIONID"],
        "branchName": branch,
        "tagFilters": tag,
        "resultFilter": ",".join(RESULTS),
        "queryOrder": "finishTimeDescending",
        "$top": "1",
        "api-version": API_VERSION,
    }
    url = f"{env['SYSTEM_COLLECTIONURI'].rstrip('/')}/{quote(env['SYSTEM_TEAMPROJECTID'])}/_apis/build/builds?"
    url += "&".join(f"{key}={quote(value, safe='')}" for key, value in query.items())
    headers = {
        "Authorization": f"Bearer {env['SYSTEM_ACCESSTOKEN']}",
        # Without it the service may answer with a sign-in redirect instead of an error.
        "X-TFS-FedAuthRedirect": "Suppress",
    }
    return HttpRequest("GET", url, headers=headers)


def finder(env: Mapping[str, str], retry_total: int = 3) -> Callable[[str, str], Run | None]:
    """A function (tag, branch) -> the run, or None; azure-core retries transient errors."""
    client: PipelineClient[HttpRequest, HttpResponse] = PipelineClient(
        base_url=env["SYSTEM_COLLECTIONURI"], policies=[RetryPolicy(retry_total=retry_total, retry_backoff_factor=0.5)]
    )

    def find(tag: str, branch: str) -> Run | None:
        response = client.send_request(builds_request(env, tag, branch))
        if response.status_code != 200:
            raise BuildsLookupError(f"HTTP {response.status_code} from the Builds API")
        payload: Any = response.json()
        runs = payload.get("value") if isinstance(payload, dict) else None
        if not isinstance(runs, list):
            raise BuildsLookupError("the Builds API answered without a list of runs")
        if not runs:
            return None
        first = runs[0]
        if not isinstance(first, dict) or not isinstance(first.get("id"), int):
            raise BuildsLookupError("the Builds API answered with a run without an id")
        return Run(first["id"], str(first.get("buildNumber", first["id"])))

    return find


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m delivery.last_deployed", description=__doc__.splitlines()[0])
    parser.add_argument("--tag", required=True, help=f"the tag a deploy stage adds: {TAG_PREFIX}<stack>")
    parser.add_argument("--branch", default=MAIN)
    args = parser.parse_args(argv)
    if not args.tag.startswith(TAG_PREFIX):
        parser.error(f"--tag {args.tag!r}: a deploy stage's tag starts with {TAG_PREFIX!r}")
    env = os.environ if env is None else env
    missing = [name for name in REQUIRED if not env.get(name)]
    if missing:
        print(
            f"error: {', '.join(missing)} not set: this runs in an Azure Pipelines step that maps "
            "SYSTEM_ACCESSTOKEN: $(System.AccessToken)",
            file=sys.stderr,
        )
        return 2
    try:
        run = finder(env)(args.tag, args.branch)
    except (AzureError, BuildsLookupError, ValueError) as error:
        print(f"##vso[task.logissue type=error]finding the last run tagged {args.tag}: {error}")
        return 1
    if run is None:
        print(
            f"##vso[task.logissue type=warning]No finished run of this pipeline on {args.branch} is tagged "
            f"{args.tag}: nothing was deployed by it yet (or that run is past retention), so there is no release "
            "to check the transitions from; the check is skipped."
        )
        print(f"##vso[task.setvariable variable={VARIABLE}]{NONE}")
        return 0
    print(f"The last run tagged {args.tag}: {run.number} (id {run.id}); its plan is the release deployed now.")
    print(f"##vso[task.setvariable variable={VARIABLE}]{run.id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
