"""Post a text file as a comment on the pull request a run builds: `python -m delivery.pull_request`.

The pull-request preview posts `pulumi preview`'s output where reviewers read the change. A closed thread with one
text comment ("Pull Request Threads - Create",
https://learn.microsoft.com/rest/api/azure/devops/git/pull-request-threads/create), with the job's
System.AccessToken as bearer; the project's build service needs "Contribute to pull requests". Azure DevOps sets the
variables it reads in every pull-request run (https://learn.microsoft.com/azure/devops/pipelines/build/variables).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import quote

from azure.core import PipelineClient
from azure.core.exceptions import AzureError
from azure.core.rest import HttpRequest, HttpResponse

API_VERSION = "7.1"
REQUIRED = (
    "SYSTEM_COLLECTIONURI",
    "SYSTEM_TEAMPROJECTID",
    "BUILD_REPOSITORY_ID",
    "SYSTEM_PULLREQUEST_PULLREQUESTID",
    "SYSTEM_ACCESSTOKEN",
)
MAX_CHARACTERS = 150_000
"""Comments are cut to this length (the end of a preview, its summary, is kept)."""
CLOSED = 4
"""CommentThreadStatus closed: the comment informs, it asks nothing of the author."""
TEXT = 1
"""CommentType text."""


def thread_request(env: Mapping[str, str], title: str, body: str) -> HttpRequest:
    """The request that opens a closed thread holding `body` under `title`, as a code block."""
    if len(body) > MAX_CHARACTERS:
        body = "(beginning cut)\n" + body[-MAX_CHARACTERS:]
    url = (
        f"{env['SYSTEM_COLLECTIONURI'].rstrip('/')}/{quote(env['SYSTEM_TEAMPROJECTID'])}/_apis/git/repositories/"
        f"{quote(env['BUILD_REPOSITORY_ID'])}/pullRequests/{quote(env['SYSTEM_PULLREQUEST_PULLREQUESTID'])}/threads"
        f"?api-version={API_VERSION}"
    )
    content = f"### {title}\n\n```\n{body}\n```"
    thread = {"comments": [{"parentCommentId": 0, "content": content, "commentType": TEXT}], "status": CLOSED}
    return HttpRequest("POST", url, headers={"Authorization": f"Bearer {env['SYSTEM_ACCESSTOKEN']}"}, json=thread)


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m delivery.pull_request", description=__doc__.splitlines()[0])
    parser.add_argument("--title", required=True)
    parser.add_argument("--file", type=Path, required=True, help="the text to post, e.g. pulumi preview's output")
    args = parser.parse_args(argv)
    env = os.environ if env is None else env
    missing = [name for name in REQUIRED if not env.get(name)]
    if missing:
        print(f"pull request comment: not a pull-request run ({', '.join(missing)} not set)", file=sys.stderr)
        return 0
    request = thread_request(env, args.title, args.file.read_text(encoding="utf-8"))
    try:
        client: PipelineClient[HttpRequest, HttpResponse] = PipelineClient(base_url=env["SYSTEM_COLLECTIONURI"])
        response = client.send_request(request)
    except AzureError as exc:
        print(
            f"##vso[task.logissue type=warning]the preview was not posted to the pull request: {exc}", file=sys.stderr
        )
        return 0
    if response.status_code not in (200, 201):
        print(
            f"##vso[task.logissue type=warning]the preview was not posted to the pull request: HTTP "
            f"{response.status_code} (the build service needs 'Contribute to pull requests')",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
