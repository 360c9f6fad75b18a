"""Vectorised generator of synthetic emotional-event CSV batches.

The generator is the hot path of the function app, so it never loops over
rows in Python.  The columns of ``CHUNK_ROWS`` rows are drawn at once with
numpy; the CSV text is then rendered ``RENDER_ROWS`` rows at a time into a
``(rows, ROW_WIDTH)`` byte matrix in which every field owns a fixed-width slot,
filled from small lookup tables (emotion spellings, notes, "HH:MM:SS" for every
second of a day, hex digit pairs, ...).  Tables pad with NUL bytes, which never
occur in CSV text, so ``matrix[matrix != 0]`` is the CSV text of all those rows
in one call.  Rendering costs a few dozen array operations per slice instead of
Python work per field per row.

Why numpy is a runtime dependency (the only one besides the Azure SDKs): the
target is 1M rows/s, and a minimal pure-Python row loop (``random`` module and
f-strings, no sessions, no defects) measured ~150k rows/s here, a row-by-row
Faker generator ~20k rows/s, while this generator does ~1.5M rows/s
(``bench/generator.py``).  numpy ships manylinux2014 wheels for CPython 3.11 and
has no dependencies of its own.

Determinism: the output is a pure function of ``(seed, rows, window,
dirty_share)`` and of the pinned numpy version (numpy does not promise identical
random streams across versions, so ``functions/requirements.txt`` pins it).
Each chunk draws from its own ``SeedSequence(seed, spawn_key=(chunk,))`` stream
and every chunk draws the same random arrays whatever the dirty share is, so
the dirty share only decides which rows get a defect.

Data model (one CSV row per event, UTF-8, ``\\n`` line endings, RFC 4180 quoting
for notes that contain commas or quotes):

* users recur with a Zipf-like popularity over ``USER_POOL`` users;
* events come in sessions (geometric length, mean ``1 / SESSION_P``) that share
  ``session_id``, ``user_id`` and ``source`` and are spaced by exponential gaps;
* session starts follow a diurnal curve (quiet nights, busy evenings);
* ``intensity`` is drawn from a per-emotion beta distribution
  (``INTENSITY_BETA``), rounded to 3 decimals;
* clean rows carry ISO-8601 UTC timestamps with millisecond precision and
  ``Z``.  A ``dirty_share`` of the rows carries exactly one defect each:
  an exact duplicate of a recent row, a mixed-case emotion (``JOY``/``Joy``),
  one empty required field, or a timestamp with a non-UTC offset (same
  instant, local wall-clock time, e.g. ``+05:30``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]


COLUMNS: tuple[str, ...] = (
    "event_id",
    "user_id",
    "session_id",
    "event_time",
    "emotion",
    "intensity",
    "source",
    "note",
)
HEADER: bytes = (",".join(COLUMNS) + "\n").encode("ascii")

EMOTIONS: tuple[str, ...] = ("joy", "sadness", "anger", "fear", "surprise", "disgust", "neutral")
EMOTION_WEIGHTS: tuple[float, ...] = (0.24, 0.14, 0.10, 0.09, 0.10, 0.05, 0.28)
# Beta(a, b) per emotion; mean a / (a + b): joy .65, sadness .45, anger .75,
# fear .60, surprise .55, disgust .50, neutral .20.
INTENSITY_BETA: dict[str, tuple[float, float]] = {
    "joy": (6.5, 3.5),
    "sadness": (4.5, 5.5),
    "anger": (7.5, 2.5),
    "fear": (6.0, 4.0),
    "surprise": (5.5, 4.5),
    "disgust": (5.0, 5.0),
    "neutral": (2.0, 8.0),
}
SOURCES: tuple[str, ...] = ("app", "web", "survey", "wearable")
SOURCE_WEIGHTS: tuple[float, ...] = (0.45, 0.25, 0.10, 0.20)

USER_POOL = 200_000
USER_ZIPF_EXPONENT = 1.07
SESSION_P = 0.25  # events per session ~ Geometric(p): mean 4
SESSION_GAP_MEAN_MS = 45_000.0
NOTE_SHARE = 0.45  # share of events with a free-text note

# Relative activity per UTC hour of day (quiet at night, peak in the evening).
HOURLY_ACTIVITY: tuple[float, ...] = (
    0.30, 0.20, 0.15, 0.12, 0.12, 0.18, 0.35, 0.60, 0.80, 0.85, 0.85, 0.90,
    0.95, 0.90, 0.85, 0.85, 0.90, 1.00, 1.10, 1.20, 1.25, 1.15, 0.85, 0.55,
)  # fmt: skip

# Fixed number of rows drawn per random stream.  Part of the output format:
# changing it changes the bytes produced for a given seed.
CHUNK_ROWS = 65_536
# Rows rendered at a time (keeps the ~150-byte-wide slot matrix cache-sized);
# has no effect on the output.
RENDER_ROWS = 4_096
DEFAULT_DIRTY_SHARE = 0.05

DIRTY_KINDS: tuple[str, ...] = ("duplicate", "mixed_case", "missing_value", "offset_timestamp")
# Fields that a "missing_value" defect may blank out.  event_id is never blank:
# it is the key the silver layer deduplicates on.
MISSABLE_FIELDS: tuple[str, ...] = ("user_id", "session_id", "event_time", "emotion", "intensity", "source")
NON_UTC_OFFSETS: tuple[str, ...] = ("+05:30", "-08:00", "+01:00", "+09:00", "-03:00", "+10:00", "-05:00", "+02:00")
MAX_DUPLICATE_DISTANCE = 20

NOTES: dict[str, tuple[str, ...]] = {
    "joy": (
        "great workout",
        "coffee with friends, lovely morning",
        "got the job!",
        "sunny walk in the park",
        "café with an old friend",
        'finally "nailed it"',
    ),
    "sadness": (
        "missed my sister",
        "rainy day, stayed in",
        "long week",
        "goodbye party at work",
        "lost my keys again",
        "quiet evening alone",
    ),
    "anger": (
        "stuck in traffic",
        "train cancelled, again",
        "meeting overran by an hour",
        'told "it is not a priority"',
        "noisy neighbours",
        "app crashed mid-payment",
    ),
    "fear": (
        "exam tomorrow",
        "strange noise outside",
        "waiting for test results",
        "presentation in 10 minutes",
        "turbulence on the flight",
        "dentist, 9am",
    ),
    "surprise": (
        "unexpected visitor",
        "bonus at work",
        "ran into an old friend",
        "parcel arrived early",
        "snow in april",
        'a "thank you" note on my desk',
    ),
    "disgust": (
        "spoiled milk",
        "littered beach",
        "rude comment online",
        "dirty kitchen at the office",
        "overflowing bins, again",
        "bad fish at lunch",
    ),
    "neutral": (
        "commute",
        "checked emails",
        "lunch break",
        "grocery run",
        "regular day",
        "reading, nothing special",
    ),
}

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
# Byte -> its two lowercase hex digits, as a little-endian uint16 whose uint8
# view is the two characters in order.
_HEX_PAIRS = (
    _HEX[np.arange(256) >> 4].astype(np.uint16) | (_HEX[np.arange(256) & 0x0F].astype(np.uint16) << 8)
).astype("<u2")
_DIGITS = np.frombuffer(b"0123456789", dtype=np.uint8)


def _lut(width: int) -> U8:
    """Table of the zero-padded decimal renderings of 0 .. 10**width - 1."""
    values = np.arange(10**width, dtype=np.int64)
    out = np.empty((10**width, width), dtype=np.uint8)
    for pos in range(width - 1, -1, -1):
        out[:, pos] = _DIGITS[values % 10]
        values //= 10
    return out


_LUT3 = _lut(3)


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


_CLOCK = _clock_table()


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
_EMO_TABLE, _EMO_LEN = _table([spelling.encode("ascii") for e in EMOTIONS for spelling in (e, e.upper(), e.title())])
_SRC_TABLE, _SRC_LEN = _table([s.encode("ascii") for s in SOURCES])
_NOTES_PER_EMOTION = len(NOTES[EMOTIONS[0]])
assert all(len(NOTES[e]) == _NOTES_PER_EMOTION for e in EMOTIONS)
# Row 0 is the empty note; emotion e, phrase p is row 1 + e * P + p.
_NOTE_TABLE, _NOTE_LEN = _table([b""] + [_csv_field(n) for e in EMOTIONS for n in NOTES[e]])
_OFFSET_TABLE, _OFFSET_LEN = _table([b"Z"] + [o.encode("ascii") for o in NON_UTC_OFFSETS])


def _offset_ms(offset: str) -> int:
    sign = 1 if offset[0] == "+" else -1
    return sign * (int(offset[1:3]) * 60 + int(offset[4:6])) * 60_000


_OFFSET_MS = np.array([0] + [_offset_ms(o) for o in NON_UTC_OFFSETS], dtype=np.int64)
_EMOTION_CDF = np.cumsum(np.array(EMOTION_WEIGHTS) / sum(EMOTION_WEIGHTS))
_SOURCE_CDF = np.cumsum(np.array(SOURCE_WEIGHTS) / sum(SOURCE_WEIGHTS))
_BETA_A = np.array([INTENSITY_BETA[e][0] for e in EMOTIONS])
_BETA_B = np.array([INTENSITY_BETA[e][1] for e in EMOTIONS])
_HOURLY = np.array(HOURLY_ACTIVITY, dtype=np.float64)
# Ranks are scattered over the id space by a bijection (7919 is coprime with
# USER_POOL) so that the most popular users are not u000000, u000001, ...
_USER_STRIDE = 7919
_USER_SHIFT = 104_729


@lru_cache(maxsize=1)
def _user_cdf() -> npt.NDArray[np.float64]:
    weights = 1.0 / np.arange(1, USER_POOL + 1, dtype=np.float64) ** USER_ZIPF_EXPONENT
    cdf = np.cumsum(weights)
    return np.asarray(cdf / cdf[-1], dtype=np.float64)


@lru_cache(maxsize=4096)
def _day_bytes(day: int) -> bytes:
    return (datetime(1970, 1, 1) + timedelta(days=day)).strftime("%Y-%m-%d").encode("ascii")


# --- row layout -----------------------------------------------------------
# Every field owns a fixed-width slot; a separator column follows each slot.
_SLOTS: tuple[tuple[str, int], ...] = (
    ("event_id", 36),
    ("user_id", 7),
    ("session_id", 16),
    ("event_time", 23 + int(_OFFSET_TABLE.shape[1])),
    ("emotion", int(_EMO_TABLE.shape[1])),
    ("intensity", 5),
    ("source", int(_SRC_TABLE.shape[1])),
    ("note", int(_NOTE_TABLE.shape[1])),
)
_OFF: dict[str, int] = {}
_SEPARATOR_COLS: list[int] = []
_col = 0
for _name, _width in _SLOTS:
    _OFF[_name] = _col
    _col += _width
    _SEPARATOR_COLS.append(_col)
    _col += 1
ROW_WIDTH = _col
_KIND_DUPLICATE, _KIND_CASE, _KIND_MISSING, _KIND_OFFSET = range(4)
# (source start, source stop, destination offset) of the hex digit groups of a UUID.
_UUID_GROUPS = ((0, 8, 0), (8, 12, 9), (12, 16, 14), (16, 20, 19), (20, 32, 24))


def _constant_columns() -> dict[int, int]:
    """Columns holding the same byte in every row (written once per buffer)."""
    cols = {col: ord(",") for col in _SEPARATOR_COLS[:-1]}
    cols[_SEPARATOR_COLS[-1]] = ord("\n")
    cols.update({_OFF["event_id"] + c: ord("-") for c in (8, 13, 18, 23)})
    t = _OFF["event_time"]
    cols.update({t + 10: ord("T"), t + 19: ord(".")})
    cols[_OFF["intensity"] + 1] = ord(".")
    return cols


_CONSTANT_COLUMNS = _constant_columns()
_SLOT_WIDTH = dict(_SLOTS)


@dataclass(frozen=True)
class GeneratorConfig:
    """What to generate.  Event times fall in ``[window_start, window_end)`` (UTC)."""

    rows: int
    seed: int
    window_start: datetime
    window_end: datetime
    dirty_share: float = DEFAULT_DIRTY_SHARE

    def __post_init__(self) -> None:
        if self.rows < 0:
            raise ValueError("rows must be >= 0")
        if not 0 <= self.seed < 2**63:
            raise ValueError("seed must be in [0, 2**63)")
        if math.isnan(self.dirty_share) or not 0.0 <= self.dirty_share <= 1.0:
            raise ValueError("dirty_share must be in [0, 1]")
        if self.window_start.tzinfo is None or self.window_end.tzinfo is None:
            raise ValueError("window bounds must be timezone-aware")
        if self.window_end <= self.window_start:
            raise ValueError("window_end must be after window_start")
        if epoch_ms(self.window_start) % 60_000 or epoch_ms(self.window_end) % 60_000:
            raise ValueError("window bounds must be whole minutes")


def epoch_ms(value: datetime) -> int:
    """Milliseconds since the Unix epoch of an aware datetime."""
    delta = value - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def iter_csv_chunks(config: GeneratorConfig) -> Iterator[bytes]:
    """Yield the CSV document: the header, then the rows in pieces of ``RENDER_ROWS``.

    Memory stays bounded (a few MB of arrays per ``CHUNK_ROWS`` draw) whatever ``rows`` is.
    """
    yield HEADER
    if config.rows == 0:
        return
    start_ms, end_ms = epoch_ms(config.window_start), epoch_ms(config.window_end)
    minute_cdf = _minute_cdf(start_ms, end_ms)
    buffers = _Buffers(min(config.rows, RENDER_ROWS))
    for chunk, first_row in enumerate(range(0, config.rows, CHUNK_ROWS)):
        n = min(CHUNK_ROWS, config.rows - first_row)
        seed_seq = np.random.SeedSequence(config.seed, spawn_key=(chunk,))
        rng = np.random.Generator(np.random.PCG64(seed_seq))
        rows = _draw_rows(rng, n, start_ms, end_ms, minute_cdf, config.dirty_share)
        for start in range(0, n, RENDER_ROWS):
            yield _render(rows, slice(start, min(n, start + RENDER_ROWS)), buffers)


def generate_csv(config: GeneratorConfig) -> bytes:
    """The whole CSV document in memory (use ``iter_csv_chunks`` for large batches)."""
    return b"".join(iter_csv_chunks(config))


def _minute_cdf(start_ms: int, end_ms: int) -> npt.NDArray[np.float64]:
    minutes = np.arange(start_ms // 60_000, end_ms // 60_000, dtype=np.int64)
    cdf = np.cumsum(_HOURLY[(minutes // 60) % 24])
    return np.asarray(cdf / cdf[-1], dtype=np.float64)


def _put(matrix: npt.NDArray[Any], col: int, table: npt.NDArray[Any], index: npt.NDArray[np.integer[Any]]) -> None:
    """``matrix[:, col : col + width] = table[index]`` without a temporary.

    ``mode="clip"`` lets numpy write straight into the strided destination
    (indexes are in range by construction).
    """
    np.take(table, index, axis=0, out=matrix[:, col : col + table.shape[1]], mode="clip")


def _pick(cdf: npt.NDArray[np.float64], u: npt.NDArray[np.float64]) -> npt.NDArray[np.intp]:
    """Inverse-CDF sampling: index of the category each uniform draw falls in."""
    return np.minimum(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)


class _Buffers:
    """Render buffers reused across slices: fresh arrays per slice would cost
    allocations and page faults, and the constant columns only need writing once."""

    def __init__(self, rows: int) -> None:
        self.matrix = np.empty((rows, ROW_WIDTH), dtype=np.uint8)
        for col, value in _CONSTANT_COLUMNS.items():
            self.matrix[:, col] = value
        self.keep = np.empty((rows, ROW_WIDTH), dtype=bool)


@dataclass(frozen=True)
class _Rows:
    """Per-row inputs of the rendering (value-table indexes and numbers), for one draw."""

    event_bytes: U8  # (n, 16) UUID bytes
    session_text: U8  # (sessions, 24) "u012345,<16 hex digits>"
    row_session: npt.NDArray[np.intp]
    local_ms: I64  # wall-clock time in the row's offset, ms since the epoch
    offset_index: npt.NDArray[np.intp]
    emotion_spelling: npt.NDArray[np.intp]
    intensity: I64  # thousandths
    source: npt.NDArray[np.intp]
    note: npt.NDArray[np.intp]
    missing_field: npt.NDArray[np.intp]  # index into MISSABLE_FIELDS, -1 for none


def _draw_rows(
    rng: np.random.Generator,
    n: int,
    start_ms: int,
    end_ms: int,
    minute_cdf: npt.NDArray[np.float64],
    dirty_share: float,
) -> _Rows:
    # The draws below happen in a fixed order and with fixed sizes whatever the
    # dirty share is: changing the order changes every seeded output.

    # --- sessions --------------------------------------------------------------
    estimate = n // 4 + 64
    counts = rng.geometric(SESSION_P, size=estimate)
    while int(counts.sum()) < n:  # practically never taken
        counts = np.concatenate([counts, rng.geometric(SESSION_P, size=estimate)])
    cum = np.cumsum(counts)
    n_sessions = int(np.searchsorted(cum, n)) + 1
    counts = counts[:n_sessions].copy()
    counts[-1] -= int(cum[n_sessions - 1]) - n

    user_rank = _pick(_user_cdf(), rng.random(n_sessions))
    session_user = (user_rank * _USER_STRIDE + _USER_SHIFT) % USER_POOL
    session_source = _pick(_SOURCE_CDF, rng.random(n_sessions))
    session_bytes = np.frombuffer(rng.bytes(8 * n_sessions), dtype=np.uint8).reshape(n_sessions, 8)
    minute = _pick(minute_cdf, rng.random(n_sessions)).astype(np.int64)
    session_start = start_ms + minute * 60_000 + rng.integers(0, 60_000, n_sessions)

    # --- events ----------------------------------------------------------------
    row_session = np.repeat(np.arange(n_sessions), counts)
    first_rows = np.cumsum(counts) - counts
    gaps = rng.exponential(SESSION_GAP_MEAN_MS, size=n).astype(np.int64)
    gaps[first_rows] = 0
    elapsed = np.cumsum(gaps)
    elapsed -= np.repeat(elapsed[first_rows], counts)
    # Sessions running past the window end wrap to its start: every event stays in the window.
    utc_ms = start_ms + (session_start[row_session] - start_ms + elapsed) % (end_ms - start_ms)

    emotion = _pick(_EMOTION_CDF, rng.random(n))
    intensity = np.rint(rng.beta(_BETA_A[emotion], _BETA_B[emotion]) * 1000).astype(np.int64)
    has_note = rng.random(n) < NOTE_SHARE
    phrase = rng.integers(0, _NOTES_PER_EMOTION, n)
    note = np.where(has_note, 1 + emotion * _NOTES_PER_EMOTION + phrase, 0)
    event_bytes = np.frombuffer(rng.bytes(16 * n), dtype=np.uint8).reshape(n, 16).copy()
    event_bytes[:, 6] = (event_bytes[:, 6] & 0x0F) | 0x40  # UUID version 4
    event_bytes[:, 8] = (event_bytes[:, 8] & 0x3F) | 0x80  # RFC 4122 variant

    # --- defects: each dirty row gets exactly one ------------------------------
    dirty = rng.random(n) < dirty_share
    kind = rng.integers(0, len(DIRTY_KINDS), n)
    detail = rng.integers(0, 1 << 30, n)
    if kind[0] == _KIND_DUPLICATE:  # the first row has nothing to duplicate
        kind[0] = _KIND_CASE

    emotion_spelling = emotion * 3  # row of _EMO_TABLE: canonical, UPPER, Title
    case_rows = dirty & (kind == _KIND_CASE)
    emotion_spelling[case_rows] += 1 + detail[case_rows] % 2
    offset_index = np.zeros(n, dtype=np.intp)  # row of _OFFSET_TABLE, 0 is "Z"
    offset_rows = dirty & (kind == _KIND_OFFSET)
    offset_index[offset_rows] = 1 + detail[offset_rows] % len(NON_UTC_OFFSETS)
    missing_field = np.full(n, -1, dtype=np.intp)  # index into MISSABLE_FIELDS
    missing_rows = np.flatnonzero(dirty & (kind == _KIND_MISSING))
    missing_field[missing_rows] = detail[missing_rows] % len(MISSABLE_FIELDS)

    # Exact duplicates repeat a row up to MAX_DUPLICATE_DISTANCE rows earlier
    # (an at-least-once delivery), byte for byte: every per-row input of the
    # rendering is copied from the original row.
    dup_rows = np.flatnonzero(dirty & (kind == _KIND_DUPLICATE))
    if dup_rows.size:
        src = np.arange(n)
        src[dup_rows] = np.maximum(dup_rows - 1 - detail[dup_rows] % MAX_DUPLICATE_DISTANCE, 0)
        while True:  # a duplicate of a duplicate copies the original
            resolved = src[src]
            if np.array_equal(resolved, src):
                break
            src = resolved
        event_bytes = event_bytes[src]
        row_session = row_session[src]
        utc_ms = utc_ms[src]
        emotion_spelling = emotion_spelling[src]
        intensity = intensity[src]
        note = note[src]
        offset_index = offset_index[src]
        missing_field = missing_field[src]
    session_text = np.empty((n_sessions, 24), dtype=np.uint8)
    session_text[:, 0] = ord("u")
    session_text[:, 1:4] = _LUT3[session_user // 1000]
    session_text[:, 4:7] = _LUT3[session_user % 1000]
    session_text[:, 7] = ord(",")
    session_text[:, 8:24] = _HEX_PAIRS[session_bytes].view(np.uint8)
    return _Rows(
        event_bytes=event_bytes,
        session_text=session_text,
        row_session=row_session,
        local_ms=utc_ms + _OFFSET_MS[offset_index],
        offset_index=offset_index,
        emotion_spelling=emotion_spelling,
        intensity=intensity,
        source=session_source[row_session],
        note=note,
        missing_field=missing_field,
    )


def _render(rows: _Rows, part: slice, buffers: _Buffers) -> bytes:
    """CSV text of ``rows[part]``.  Rendering goes in slices of ``RENDER_ROWS`` so the
    slot matrix stays cache-sized; the output does not depend on the slice size."""
    n = part.stop - part.start
    m = buffers.matrix[:n]
    o = _OFF["event_id"]
    hex_digits = _HEX_PAIRS[rows.event_bytes[part]].view(np.uint8)  # (n, 32)
    for start, stop, dest in _UUID_GROUPS:
        m[:, o + dest : o + dest + stop - start] = hex_digits[:, start:stop]
    _put(m, _OFF["user_id"], rows.session_text, rows.row_session[part])

    local_ms = rows.local_ms[part]
    offset_index = rows.offset_index[part]
    emotion_spelling = rows.emotion_spelling[part]
    source = rows.source[part]
    note = rows.note[part]
    intensity = rows.intensity[part]
    missing_field = rows.missing_field[part]
    o = _OFF["event_time"]
    day = local_ms // 86_400_000
    first_day = int(day.min())
    day_text = b"".join(_day_bytes(d) for d in range(first_day, int(day.max()) + 1))
    _put(m, o, np.frombuffer(day_text, dtype=np.uint8).reshape(-1, 10), day - first_day)
    second_of_day, millis = np.divmod(local_ms - day * 86_400_000, 1000)
    _put(m, o + 11, _CLOCK, second_of_day)
    _put(m, o + 20, _LUT3, millis)
    _put(m, o + 23, _OFFSET_TABLE, offset_index)
    _put(m, _OFF["emotion"], _EMO_TABLE, emotion_spelling)
    o = _OFF["intensity"]
    m[:, o] = ord("0") + (intensity >= 1000)
    _put(m, o + 2, _LUT3, intensity % 1000)
    _put(m, _OFF["source"], _SRC_TABLE, source)
    _put(m, _OFF["note"], _NOTE_TABLE, note)

    # --- drop the slot padding ------------------------------------------------
    # Value tables pad with NUL bytes, which never occur in the CSV text, so the
    # padding is exactly the zero bytes of the matrix.  Emptied fields (missing
    # values) are then dropped whole.
    keep = buffers.keep[:n]
    np.not_equal(m, 0, out=keep)
    blanked = np.flatnonzero(missing_field >= 0)
    for i, field in enumerate(MISSABLE_FIELDS):
        o = _OFF[field]
        keep[blanked[missing_field[blanked] == i], o : o + _SLOT_WIDTH[field]] = False
    text: bytes = m[keep].tobytes()
    return text
