"""Byte tables and the fixed-width row layout the CSV text is rendered into.

Every field owns a fixed-width slot of a ``(rows, ROW_WIDTH)`` byte matrix, filled from small lookup
tables; tables pad with NUL bytes, which never occur in CSV text.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from eventgen.vocabulary import EMOTIONS, NON_UTC_OFFSETS, NOTES, SOURCES

U8 = npt.NDArray[np.uint8]

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
# Byte -> its two lowercase hex digits, as a little-endian uint16 whose uint8
# view is the two characters in order.
HEX_PAIRS = (_HEX[np.arange(256) >> 4].astype(np.uint16) | (_HEX[np.arange(256) & 0x0F].astype(np.uint16) << 8)).astype(
    "<u2"
)
_DIGITS = np.frombuffer(b"0123456789", dtype=np.uint8)


def _lut(width: int) -> U8:
    """Table of the zero-padded decimal renderings of 0 .. 10**width - 1."""
    values = np.arange(10**width, dtype=np.int64)
    out = np.empty((10**width, width), dtype=np.uint8)
    for pos in range(width - 1, -1, -1):
        out[:, pos] = _DIGITS[values % 10]
        values //= 10
    return out


LUT3 = _lut(3)


def _clock_table() -> U8:
    """ "HH:MM:SS" for every second of a day (86,400 x 8 bytes)."""
    lut2 = _lut(2)
    second = np.arange(86_400)
    out = np.empty((86_400, 8), dtype=np.uint8)
    out[:, 0:2] = lut2[second // 3600]
    out[:, 2] = ord(":")
    out[:, 3:5] = lut2[second // 60 % 60]
    out[:, 5] = ord(":")
    out[:, 6:8] = lut2[second % 60]
    return out


CLOCK = _clock_table()


def _csv_field(text: str) -> bytes:
    if any(ch in text for ch in ',"\n\r'):
        text = '"' + text.replace('"', '""') + '"'
    return text.encode("utf-8")


def _table(values: list[bytes]) -> tuple[U8, U8]:
    """Pad byte strings into a (len(values), max_len) matrix plus their lengths."""
    width = max(1, max(len(v) for v in values))
    table = np.zeros((len(values), width), dtype=np.uint8)
    lengths = np.zeros(len(values), dtype=np.uint8)
    for i, value in enumerate(values):
        table[i, : len(value)] = np.frombuffer(value, dtype=np.uint8)
        lengths[i] = len(value)
    return table, lengths


# Emotion table: 3 spellings per emotion: canonical, UPPER, Title.
EMO_TABLE, EMO_LEN = _table([spelling.encode("ascii") for e in EMOTIONS for spelling in (e, e.upper(), e.title())])
SRC_TABLE, SRC_LEN = _table([s.encode("ascii") for s in SOURCES])
NOTES_PER_EMOTION = len(NOTES[EMOTIONS[0]])
assert all(len(NOTES[e]) == NOTES_PER_EMOTION for e in EMOTIONS)
# Row 0 is the empty note; emotion e, phrase p is row 1 + e * P + p.
NOTE_TABLE, NOTE_LEN = _table([b""] + [_csv_field(n) for e in EMOTIONS for n in NOTES[e]])
OFFSET_TABLE, OFFSET_LEN = _table([b"Z"] + [o.encode("ascii") for o in NON_UTC_OFFSETS])


def _offset_ms(offset: str) -> int:
    sign = 1 if offset[0] == "+" else -1
    return sign * (int(offset[1:3]) * 60 + int(offset[4:6])) * 60_000


OFFSET_MS = np.array([0] + [_offset_ms(o) for o in NON_UTC_OFFSETS], dtype=np.int64)


@lru_cache(maxsize=4096)
def day_bytes(day: int) -> bytes:
    return (datetime(1970, 1, 1) + timedelta(days=day)).strftime("%Y-%m-%d").encode("ascii")


# --- row layout -----------------------------------------------------------
# Every field owns a fixed-width slot; a separator column follows each slot.
SLOTS: tuple[tuple[str, int], ...] = (
    ("event_id", 36),
    ("user_id", 7),
    ("session_id", 16),
    ("event_time", 23 + int(OFFSET_TABLE.shape[1])),
    ("emotion", int(EMO_TABLE.shape[1])),
    ("intensity", 5),
    ("source", int(SRC_TABLE.shape[1])),
    ("note", int(NOTE_TABLE.shape[1])),
)
OFF: dict[str, int] = {}
_SEPARATOR_COLS: list[int] = []
_col = 0
for _name, _width in SLOTS:
    OFF[_name] = _col
    _col += _width
    _SEPARATOR_COLS.append(_col)
    _col += 1
ROW_WIDTH = _col
KIND_DUPLICATE, KIND_CASE, KIND_MISSING, KIND_OFFSET = range(4)
# (source start, source stop, destination offset) of the hex digit groups of a UUID.
UUID_GROUPS = ((0, 8, 0), (8, 12, 9), (12, 16, 14), (16, 20, 19), (20, 32, 24))


def _constant_columns() -> dict[int, int]:
    """Columns holding the same byte in every row (written once per buffer)."""
    cols = {col: ord(",") for col in _SEPARATOR_COLS[:-1]}
    cols[_SEPARATOR_COLS[-1]] = ord("\n")
    cols.update({OFF["event_id"] + c: ord("-") for c in (8, 13, 18, 23)})
    t = OFF["event_time"]
    cols.update({t + 10: ord("T"), t + 19: ord(".")})
    cols[OFF["intensity"] + 1] = ord(".")
    return cols


CONSTANT_COLUMNS = _constant_columns()
SLOT_WIDTH = dict(SLOTS)


def put(matrix: npt.NDArray[Any], col: int, table: npt.NDArray[Any], index: npt.NDArray[np.integer[Any]]) -> None:
    """``matrix[:, col : col + width] = table[index]`` without a temporary.

    ``mode="clip"`` lets numpy write straight into the strided destination
    (indexes are in range by construction).
    """
    np.take(table, index, axis=0, out=matrix[:, col : col + table.shape[1]], mode="clip")
