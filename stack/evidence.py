"""Where a fact about Azure comes from: the page or issue, what it says, and the day it was read.

Every limit the config validators and the deployability rules enforce carries one or more of these, so a
reader can check the fact against its source, and a stale one can be found by its date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

READ_ON = date(2026, 12, 6)
"""The day the catalogue's pages were read (each page's own date, where it has one, is in `says`)."""


@dataclass(frozen=True)
class Source:
    """One page or issue, and the fact it states, in our words."""

    url: str
    """The Microsoft Learn page, REST reference or provider issue (as stored in the search corpus)."""
    says: str
    """The fact, short, in our own words; a recorded error text is quoted as ARM returns it."""
    read_on: date = READ_ON
    """The day it was read."""

    def __str__(self) -> str:
        return f"{self.url} (read {self.read_on.isoformat()}: {self.says})"
