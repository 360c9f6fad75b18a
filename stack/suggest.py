"""Did you mean: the allowed word closest to a mistyped one, with one cutoff for every suggestion the input
checks make (config namespaces and keys, stack file settings, regions)."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches

DID_YOU_MEAN_CUTOFF = 0.8
"""difflib's similarity ratio (0-1) a choice needs to be suggested. A transposed or dropped letter in a word of five
or more letters stays above it (`data-platfrom`: 0.92, `locaton`: 0.93); a different word of similar letters does
not (`azure` for `azure-native`: 0.59)."""


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to `word` if one is close enough, letter case ignored; else None."""
    by_lower = {choice.lower(): choice for choice in choices}
    match = get_close_matches(word.lower(), list(by_lower), n=1, cutoff=DID_YOU_MEAN_CUTOFF)
    return by_lower[match[0]] if match else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """The closest choice as ` (did you mean 'x'?)`, or an empty string when none is close."""
    match = closest(word, choices)
    return f" (did you mean '{match}'?)" if match is not None else ""
