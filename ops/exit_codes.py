"""The exit codes of every `python -m ops` command, in one place."""

from __future__ import annotations

OK = 0
UNEXPECTED = 1
"""A bug: Python's own exit code for an uncaught exception, with the traceback."""
USAGE = 2
"""Bad input: flags, stack config, ADF content, SQL scripts, a check the plan fails, missing coordinates."""
AZURE = 3
"""Azure (or the database) refused or failed an operation."""
TIMEOUT = 4
"""Something still not done after its bounded wait."""
RUN_FAILED = 5
"""A pipeline run ended Failed or Cancelled."""
INTERRUPTED = 130
"""Ctrl-C, as a shell reports it."""

HELP = """\
exit codes:
  0  success
  1  unexpected error (a bug: please report it with the traceback)
  2  bad input: flags, stack config, ADF content, SQL scripts, a check the offline plan fails,
     factory coordinates missing, no trigger recording to restore, a trigger the stack names
     that does not exist in the factory, a tumbling-window trigger whose first start would
     backfill more than --max-backfill-windows windows
  3  Azure refused or failed an operation (sign-in, a trigger that would not start or stop,
     a pipeline that does not exist, the endpoint unreachable, a SQL script the database refused,
     a linked service whose connection test failed)
  4  timed out: an event subscription still not Enabled, or a run still going after --timeout-seconds
  5  the pipeline run ended Failed or Cancelled
  130  interrupted
When several kinds of failure happen in one command, the lowest of 2, 3, 4 is returned."""
