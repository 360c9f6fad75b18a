"""The offline plan of the dev stack against its import floor, measured side by side in one run.

Most of a plan's time is importing pulumi and the azure-native modules the program uses, and the
second depends on the program, so an absolute time says little. The floor is a fresh process that
imports exactly the resource classes the plan registers (read from the plan itself), plus pulumi
and pulumi-random, and nothing else. The plan's cost is reported as a ratio of CPU times
(user + system of the child), which other load on the machine disturbs far less than wall time.
The two commands alternate, so a burst of load hits both.

Target: the plan, with every check it runs (schema, SQL, policy), at most 1.5x the floor.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.measure import Measurement, Summary, measure

PROJECT = Path(__file__).resolve().parent.parent
RUNS = 7
TARGET_RATIO = 1.5
TARGET_MB = 300.0
PLAN = [sys.executable, "-m", "ops", "plan", "--stack", "dev", "--json"]


def child_env() -> dict[str, str]:
    """The environment of both commands: bytecode is cached, as it is for the installed packages."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def registered_classes(plan: dict) -> dict[str, list[str]]:
    """Python module -> resource class names, for every provider resource type in a `--json` plan."""
    classes: dict[str, set[str]] = {}
    for resource in plan["resources"]:
        package, module, name = resource["type"].split(":")
        if package not in ("azure-native", "random"):
            continue  # components, the stack, dynamic providers: no provider SDK class
        python_module = "pulumi_" + package.replace("-", "_")
        module = module.split("/", 1)[0]
        if module != "index":
            python_module += "." + module
        classes.setdefault(python_module, set()).add(name)
    return {module: sorted(names) for module, names in sorted(classes.items())}


def floor_source(classes: dict[str, list[str]]) -> str:
    """A program that imports pulumi, pulumi-random and exactly the given classes."""
    lines = ["import pulumi", "import pulumi_random"]
    lines += [f"from {module} import {', '.join(names)}" for module, names in classes.items()]
    return "\n".join(lines)


def run() -> str:
    env = child_env()
    plan = json.loads(subprocess.run(PLAN, cwd=PROJECT, env=env, capture_output=True, check=True, text=True).stdout)
    classes = registered_classes(plan)
    floor = [sys.executable, "-c", floor_source(classes)]
    # The plan pauses the garbage collector while the program runs, imports included; this floor
    # does the same, so that the second ratio shows what the collector pause alone does not explain.
    paused = [sys.executable, "-c", "import gc\ngc.disable()\n" + floor_source(classes)]
    measure(floor, str(PROJECT), env)  # warm-up: the plan ran once above
    plans: list[Measurement] = []
    floors: list[Measurement] = []
    pauses: list[Measurement] = []
    for _ in range(RUNS):
        plans.append(measure(PLAN, str(PROJECT), env))
        floors.append(measure(floor, str(PROJECT), env))
        pauses.append(measure(paused, str(PROJECT), env))
    p, f, g = Summary.of(plans), Summary.of(floors), Summary.of(pauses)
    ratio = p.cpu_median / f.cpu_median
    ok = ratio <= TARGET_RATIO and p.peak_mb < TARGET_MB
    count = sum(len(names) for names in classes.values())
    return "\n".join(
        [
            "## Offline plan of the dev stack against its import floor",
            "",
            f"`python -m ops plan --stack dev --json` (every check included) and the import floor, {RUNS} runs",
            "each, alternating, after a warm-up, each a fresh process. The floor imports pulumi, pulumi-random",
            f"and the {count} resource classes the plan registers, from {len(classes)} modules: "
            + ", ".join(f"`{m}`" for m in classes)
            + ".",
            "CPU time is user + system time of the child process.",
            "",
            "| metric | plan | import floor | target |",
            "| --- | --- | --- | --- |",
            f"| CPU time, median | {p.cpu_median:.2f} s | {f.cpu_median:.2f} s | |",
            f"| CPU time, worst | {p.cpu_worst:.2f} s | {f.cpu_worst:.2f} s | |",
            f"| **plan / floor, CPU medians** | **{ratio:.2f}x** | | <= {TARGET_RATIO}x |",
            f"| plan / floor with the collector off, CPU medians | {p.cpu_median / g.cpu_median:.2f}x "
            f"| {g.cpu_median:.2f} s | |",
            f"| wall time, median | {p.wall_median:.2f} s | {f.wall_median:.2f} s | |",
            f"| wall time, worst | {p.wall_worst:.2f} s | {f.wall_worst:.2f} s | |",
            f"| peak memory (max RSS) | {p.peak_mb:.0f} MB | {f.peak_mb:.0f} MB | < {TARGET_MB:.0f} MB |",
            "",
            "The plan pauses Python's cyclic garbage collector while the program runs (`preview/plan.py`),",
            "which also makes the azure-native imports inside the program cheaper than in the floor. The",
            "floor with the collector off shows how much of the ratio that accounts for.",
            "",
            "Reproduce this section alone: `python -m bench.plan`.",
            "",
            f"Result: {'PASS' if ok else 'FAIL'}",
        ]
    )


if __name__ == "__main__":
    print(run())
