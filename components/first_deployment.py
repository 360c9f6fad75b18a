"""The hour of a stack's first deployment, kept in its state: when its tumbling windows begin unless config says.

A tumbling-window trigger started for the first time runs every window since its startTime, past ones included
(https://learn.microsoft.com/azure/data-factory/how-to-create-tumbling-window-trigger), and `ops triggers start`
refuses a first start that would run more than 48 of them (ops/backfill.py). A fixed date in a stack file ages
past that bound before a new stack is first deployed; the hour of the first deployment does not: the stage that
deploys starts the triggers minutes later. Like the random suffix of the stack's names, the value is made once,
by the create, and kept in the state: later deployments read it back, and no change of the program moves it.

The provider runs in Pulumi's provider host (see `components/dynamic_provider.py`). Keep this module path and the
class name stable: the state names them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi.dynamic

from components.dynamic_provider import ProjectProvider

KIND = "first-deployment-hour"
"""Marker input, so the offline plan can tell this resource from other dynamic resources."""


def whole_hour(moment: datetime.datetime) -> str:
    """The whole UTC hour a moment falls in, as `dataFactory.triggerStartTime` spells hours: 2026-12-06T18:00:00Z."""
    utc = moment.astimezone(datetime.UTC) if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
    return utc.replace(minute=0, second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class _FirstDeploymentHourProvider(ProjectProvider):
    clock: Callable[[], datetime.datetime] = staticmethod(utc_now)

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        hour = whole_hour(type(self).clock())
        return pulumi.dynamic.CreateResult(id_=hour, outs={**props, "hour": hour})

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        # Never: the hour the stack was first deployed stays what it was.
        return pulumi.dynamic.DiffResult(changes=False, replaces=[], delete_before_replace=False)


class FirstDeploymentHour(pulumi.dynamic.Resource):
    """The whole UTC hour in which this resource, and so the stack, was first deployed."""

    hour: pulumi.Output[str]

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(_FirstDeploymentHourProvider(), name, {"kind": KIND, "hour": None}, opts)
