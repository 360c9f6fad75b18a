"""`python -m ops adf check` on public ADF Studio repositories: the share of files that deploy as they are.

    python -m bench.adf_corpus CHECKOUTS [--project DIR] [--before DIR] [--write]

CHECKOUTS holds one folder per repository of CORPUS, named `<owner>+<name>`, with the repository's files at the
commit CORPUS names (for example `git -C <clone> archive <commit> | tar -x -C CHECKOUTS/<owner>+<name>`); this
script reads them and fetches nothing. It runs the `python -m ops adf check <root> --json` of the project in
DIR (default: this one) on each ADF Studio root folder, in a fresh process, and summarises every file: deployable
typed, deployable as an ARM deployment of its JSON (with the reasons), or refused (with the reasons; a file
refused only because it references a refused file is counted apart). `--before DIR` also runs another checkout
of the project (named by its folder, e.g. the commit it holds) and says what it made of the same files. `--write`
puts the section into
BENCHMARKS.md; `python -m bench` keeps the section written last (it has no checkouts).

Every file of these repositories was saved by ADF Studio, so ADF accepted it; the share deployable unchanged is
the measure of the lossless path.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
BENCHMARKS = PROJECT / "BENCHMARKS.md"
TITLE = "## `ops adf check` on public ADF Studio repositories"
TARGET_SHARE = 0.95
DEPENDENT = "which cannot be deployed (see its problems)"


@dataclass(frozen=True)
class Repository:
    name: str
    """owner/name on GitHub."""
    commit: str
    roots: tuple[str, ...]
    """Its ADF Studio root folders, relative to the repository."""

    @property
    def folder(self) -> str:
        return self.name.replace("/", "+")


CORPUS = (
    Repository("KV-APAC-DNA/gitadfadbplt001", "4935a159c08eea8ca56d5aa9a8f6f3996224a5d7", (".",)),
    Repository("Tonilifter/dap-core-datafactory", "3d299406c5a18b68fc459e9f0577ae85ae200e42", (".",)),
    Repository("bilatam/BPBI", "8511a4213b1bfc67abf0c6f7840f2434ce8526eb", (".",)),
    Repository("fayssal93600/Carmignac", "b60f11b258d9c4a40edce632ffafb2c1e547282e", (".",)),
    Repository("mrpaulandrew/procfwk", "f51cb458ef7e32dd609e80af2b2116a977d16875", ("DataFactory",)),
    Repository(
        "Azure-Player/azure.datafactory.tools",
        "11eeab0556e199d5f0318fbe270b48255cf5017e",
        ("test/BigFactorySample2", "test/BigFactorySample2_vnet", "test/adf2"),
    ),
    Repository("justanalytics/EPS-Datalake", "3a42d87632131a5764b383879c8d90ff1a01ed86", ("adf",)),
    Repository("nuuday/nuudw", "085436c2c33499152b9478d1bf6fa9f27aad13a7", ("ADF",)),
    Repository("nate-testa/vault-data-warehouse-clone", "df22d4abe845f646d542543b525fd0294b55f634", ("ADF",)),
    Repository("NrgFly/ADF-Metadata", "48b3a0462f545d81a01026bedccc2b132ffb6059", ("adf",)),
    Repository("kromerm/makadfwestus2", "bdcb0dde271cd72c025030ee42908ad1f2d9ea21", (".",)),
    Repository("hmcts/vh-reports", "94978976f7c7d1282363ffc059ad2c3c3dbbfbda", (".",)),
)
"""The largest public ADF Studio repositories found, each at the commit measured."""


@dataclass
class RootResult:
    label: str
    files: list[dict[str, Any]] = field(default_factory=list)
    crash: str | None = None

    def count(self, state: str) -> int:
        return sum(1 for file in self.files if _state(file) == state)


def _state(file: dict[str, Any]) -> str:
    if file["ok"]:
        return "arm" if str(file.get("deploy") or "").startswith("ARM") else "typed"
    own = [p for p in file["problems"] if DEPENDENT not in p]
    return "refused" if own else "dependent"


OpsRunner = Callable[[Path, list[str]], "subprocess.CompletedProcess[str]"]
"""Runs `python -m ops ARGS` in a project folder and returns what it printed."""


def fresh_process(project: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    """`python -m ops ARGS` in a fresh interpreter, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "ops", *args], cwd=project, capture_output=True, text=True, check=False
    )


def check(root: Path, project: Path, run: OpsRunner = fresh_process) -> tuple[list[dict[str, Any]], str | None]:
    """The per-file report of `ops adf check --json` on one root, or why it gave none."""
    done = run(project, ["adf", "check", str(root), "--json"])
    try:
        return list(json.loads(done.stdout)["files"]), None
    except (ValueError, KeyError, TypeError):
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return [], f"exit {done.returncode}: {tail}"


def measure(checkouts: Path, project: Path, run: OpsRunner = fresh_process) -> list[RootResult]:
    results = []
    for repository in CORPUS:
        for root in repository.roots:
            label = repository.name + ("" if root == "." else f" ({root}/)")
            path = checkouts / repository.folder / root
            if not path.is_dir():
                results.append(RootResult(label, crash=f"{path}: missing; see the module docstring"))
                continue
            files, crash = check(path, project, run)
            results.append(RootResult(label, files, crash))
    return results


def _kind(path: str) -> str:
    parts = path.split("/")
    if parts[0] == "managedVirtualNetwork" and len(parts) >= 4:
        return "managedPrivateEndpoint"
    return parts[0]


_INDEX = re.compile(r"\[\d+\]")
_QUOTED = re.compile(r"'[^']*'")


def _reason(text: str) -> str:
    """A reason without the file and the list indexes, so that one cause counts once per file it appears in."""
    reason = text.split(".json: ", 1)[1] if ".json: " in text else text
    path, _, why = reason.partition(": ")
    leaf = _INDEX.sub("[]", path).split(".")[-1]
    if "is also the name of" in why or "declared twice" in why:
        why = _QUOTED.sub("'…'", why.split(";")[0])
    return f"{leaf}: {why}"[:160]


def _reasons(files: Iterable[dict[str, Any]], state: str) -> collections.Counter[str]:
    counted: collections.Counter[str] = collections.Counter()
    for file in files:
        if _state(file) != state:
            continue
        if state == "arm":
            reasons = str(file["deploy"]).removeprefix("ARM deployment: ").split("; ")
        else:
            reasons = [p.split(": ", 1)[1] for p in file["problems"] if DEPENDENT not in p]
        counted.update({_reason(reason) for reason in reasons})
    return counted


def _warnings(files: Iterable[dict[str, Any]]) -> collections.Counter[str]:
    """Files per warning of a deployable file (a content rule that ADF's own published content breaks too)."""
    counted: collections.Counter[str] = collections.Counter()
    for file in files:
        if file["ok"]:
            counted.update({_reason(warning.split(": ", 1)[1]) for warning in file.get("warnings", [])})
    return counted


def _ranked(counted: collections.Counter[str]) -> list[tuple[str, int]]:
    """Most files first, then by reason, so that two runs write the same table."""
    return sorted(counted.items(), key=lambda item: (-item[1], item[0]))


def _before(results: list[RootResult], label: str) -> str:
    files = [file for result in results for file in result.files]
    deployable = sum(1 for file in files if file["ok"])
    crashed = [result.label for result in results if result.crash]
    unreported = f"; no report for {', '.join(crashed)}" if crashed else ""
    share = f"{deployable / len(files):.1%}" if files else "-"
    return f"Before, with the project at {label}: {deployable} of {len(files)} files deployable ({share}){unreported}."


def render(results: list[RootResult], before: str | None = None) -> tuple[str, bool]:
    """The BENCHMARKS.md section, and whether the target is met; `before` is a line on an earlier project."""
    files = [file for result in results for file in result.files]
    deployable = sum(1 for file in files if file["ok"])
    share = deployable / len(files) if files else 0.0
    passed = share >= TARGET_SHARE and not any(result.crash for result in results)
    verdict = "PASS" if passed else "FAIL"
    lines = [
        TITLE,
        "",
        "Every file of these public repositories was saved by ADF Studio, so ADF accepted it. Each ADF Studio root",
        "folder is checked as a whole, in a fresh process: deployable typed (azure-native's typed resource holds",
        "the file exactly), deployable as an ARM deployment of its own JSON (where the typed resource would drop or",
        "cannot express something), or refused. A file refused only because it references a refused file is",
        "counted apart.",
        "",
        "| repository (commit) | files | typed | ARM deployment | refused | refused through a reference | deployable |",
        "|---|---|---|---|---|---|---|",
    ]
    commits = {repository.name: repository.commit for repository in CORPUS}
    for result in results:
        commit = commits[result.label.split(" ")[0]][:12]
        if result.crash:
            lines.append(f"| {result.label} ({commit}) | – | – | – | – | – | no report: {result.crash} |")
            continue
        total = len(result.files)
        ok = result.count("typed") + result.count("arm")
        lines.append(
            f"| {result.label} ({commit}) | {total} | {result.count('typed')} | {result.count('arm')} | "
            f"{result.count('refused')} | {result.count('dependent')} | {ok / total:.1%} |"
            if total
            else f"| {result.label} ({commit}) | 0 | – | – | – | – | – |"
        )
    states = collections.Counter(_state(file) for file in files)
    lines += [
        f"| **all** | **{len(files)}** | **{states['typed']}** | **{states['arm']}** | **{states['refused']}** | "
        f"**{states['dependent']}** | **{share:.1%}** |",
        "",
        "Per kind of file:",
        "",
        "| kind | files | typed | ARM deployment | refused | refused through a reference |",
        "|---|---|---|---|---|---|",
    ]
    by_kind: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for file in files:
        by_kind[_kind(file["path"])][_state(file)] += 1
    for kind, counted in sorted(by_kind.items(), key=lambda item: -sum(item[1].values())):
        lines.append(
            f"| {kind} | {sum(counted.values())} | {counted['typed']} | {counted['arm']} | {counted['refused']} | "
            f"{counted['dependent']} |"
        )
    lines += ["", "Why files take the ARM deployment (files per reason; a file may have several):", ""]
    lines += ["| files | reason |", "|---|---|"]
    lines += [f"| {count} | {reason} |" for reason, count in _ranked(_reasons(files, "arm"))[:25]]
    lines += ["", "Why files are refused (files per reason):", "", "| files | reason |", "|---|---|"]
    lines += [f"| {count} | {reason} |" for reason, count in _ranked(_reasons(files, "refused"))]
    warned = sum(1 for file in files if file["ok"] and file.get("warnings"))
    lines += [
        "",
        f"Deployable with a warning: {warned} file(s), each breaking a rule of Microsoft's pages that content ADF "
        "itself published breaks too (files per warning, the evidence cut short):",
        "",
        "| files | warning |",
        "|---|---|",
    ]
    lines += [f"| {count} | {reason} |" for reason, count in _ranked(_warnings(files))]
    lines += [
        "",
        f"Target: at least {TARGET_SHARE:.0%} of the files deployable unchanged, and a report for every root. "
        f"Result: {deployable} of {len(files)} ({share:.1%}), {verdict}",
        *([before] if before else []),
        "",
        "Reproduce: put each repository's files at its commit into `CHECKOUTS/<owner>+<name>/`, then "
        "`python -m bench.adf_corpus CHECKOUTS --write` (`--project DIR` runs another checkout's "
        "`python -m ops`).",
    ]
    return "\n".join(lines), passed


def recorded() -> str:
    """The section as BENCHMARKS.md holds it (for `python -m bench`, which has no checkouts)."""
    text = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.is_file() else ""
    start = text.find(TITLE)
    if start < 0:
        return f"{TITLE}\n\nNot measured yet: `python -m bench.adf_corpus CHECKOUTS --write`."
    end = text.find("\n## ", start + len(TITLE))
    return text[start : end if end >= 0 else len(text)].rstrip()


def run() -> str:
    """The recorded section: measuring needs the checkouts (see the module docstring)."""
    return recorded()


def write(section: str) -> None:
    """Replace (or append) the section in BENCHMARKS.md."""
    text = BENCHMARKS.read_text(encoding="utf-8")
    old = recorded()
    text = text.replace(old, section) if old in text else text.rstrip() + "\n\n" + section + "\n"
    BENCHMARKS.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.adf_corpus", description=__doc__.split("\n")[0])
    parser.add_argument("checkouts", type=Path, help="the folder of <owner>+<name> checkouts")
    parser.add_argument("--project", type=Path, default=PROJECT, help="the checkout whose `python -m ops` runs")
    parser.add_argument("--before", type=Path, help="another checkout of the project, to compare with")
    parser.add_argument("--write", action="store_true", help="put the section into BENCHMARKS.md")
    args = parser.parse_args(argv)
    before = _before(measure(args.checkouts, args.before), args.before.name) if args.before else None
    section, passed = render(measure(args.checkouts, args.project), before)
    print(section)
    if args.write:
        write(section)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
