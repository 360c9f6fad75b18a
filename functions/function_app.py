"""Generator Function app (Azure Functions Python v2 programming model).

Two functions write synthetic emotional-event CSV batches into the ``bronze``
container of the lake (see ``eventgen.settings`` for the app settings):

* ``generate_scheduled``: timer trigger on ``%GENERATOR_SCHEDULE%`` (set by the
  infrastructure; default every 15 minutes, ``0 */15 * * * *``).  One batch per
  occurrence, named after the occurrence, so the host's retries (below) and any
  re-run overwrite the same blob.
* ``generate_on_demand``: ``POST /api/generate`` with a function key; parameters
  in ``eventgen.params``.
"""

from __future__ import annotations

from typing import cast

import azure.functions as func
from eventgen.handlers import AppRuntime, TimerInfo, handle_http, handle_timer

app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)

# Process-wide dependencies (settings, storage client, clock); tests swap it for one
# with the emulator's credential and a fixed clock.
runtime = AppRuntime()


@app.function_name("generate_scheduled")
@app.timer_trigger(schedule="%GENERATOR_SCHEDULE%", arg_name="timer", run_on_startup=False, use_monitor=True)
@app.retry(
    strategy="exponential_backoff", max_retry_count="3", minimum_interval="00:00:10", maximum_interval="00:02:00"
)
def generate_scheduled(timer: func.TimerRequest) -> None:
    # The worker passes azure.functions.timer.TimerRequest, which adds schedule_status to the ABC.
    handle_timer(cast(TimerInfo, timer), runtime)


@app.function_name("generate_on_demand")
@app.route(route="generate", methods=[func.HttpMethod.POST], auth_level=func.AuthLevel.FUNCTION)
def generate_on_demand(req: func.HttpRequest) -> func.HttpResponse:
    return handle_http(req, runtime)
