"""The pull-request comment: one closed thread with the preview as a code block, posted with the job's token."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from delivery.pull_request import MAX_CHARACTERS, main, thread_request
from tests.support.recording_http import Script, serving


def environment(base: str) -> dict[str, str]:
    return {
        "SYSTEM_COLLECTIONURI": f"{base}/contoso-data/",
        "SYSTEM_TEAMPROJECTID": "3f2e1d0c-9b8a-4766-9554-433221100fed",
        "BUILD_REPOSITORY_ID": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
        "SYSTEM_PULLREQUEST_PULLREQUESTID": "42",
        "SYSTEM_ACCESSTOKEN": "job-access-token",
    }


def test_the_preview_is_posted_as_a_closed_thread_on_the_pull_request(tmp_path: Path) -> None:
    preview = tmp_path / "preview.txt"
    preview.write_text("+ 3 to create\n")
    script = Script([(200, {"id": 7})])
    with serving(script) as base:
        assert main(["--title", "pulumi preview of test", "--file", str(preview)], env=environment(base)) == 0
    (request,) = script.requests
    assert request.path == (
        "/contoso-data/3f2e1d0c-9b8a-4766-9554-433221100fed/_apis/git/repositories/"
        "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d/pullRequests/42/threads?api-version=7.1"
    )
    assert request.headers["authorization"] == "Bearer job-access-token"
    thread = json.loads(request.body)
    assert thread == {
        "comments": [
            {
                "parentCommentId": 0,
                "content": "### pulumi preview of test\n\n```\n+ 3 to create\n\n```",
                "commentType": 1,
            }
        ],
        "status": 4,
    }


def test_a_long_preview_keeps_its_end(tmp_path: Path) -> None:
    request = thread_request(environment("https://dev.azure.com"), "t", "x" * MAX_CHARACTERS + "summary")
    content = json.loads(request.content)["comments"][0]["content"]
    assert content.endswith("summary\n```")
    assert "(beginning cut)" in content


def test_a_refused_post_warns_and_does_not_fail_the_preview(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    preview = tmp_path / "preview.txt"
    preview.write_text("diff")
    with serving(Script([(403, {"message": "forbidden"})])) as base:
        assert main(["--title", "t", "--file", str(preview)], env=environment(base)) == 0
    assert "HTTP 403 (the build service needs 'Contribute to pull requests')" in capsys.readouterr().err


def test_outside_a_pull_request_nothing_is_posted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    preview = tmp_path / "preview.txt"
    preview.write_text("diff")
    assert main(["--title", "t", "--file", str(preview)], env={}) == 0
    assert "not a pull-request run" in capsys.readouterr().err
