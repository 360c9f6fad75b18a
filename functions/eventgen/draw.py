"""The random draws of one chunk: sessions, their events, and the defects of the dirty rows.

The draws happen in a fixed order and with fixed sizes whatever the dirty share is: changing
the order changes every seeded output. Each helper below draws its part in that order.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from eventgen.layout import (
    HEX_PAIRS,
    KIND_CASE,
    KIND_DUPLICATE,
    KIND_MISSING,
    KIND_OFFSET,
    LUT3,
    NOTES_PER_EMOTION,
    OFFSET_MS,
    U8,
)
from eventgen.vocabulary import (
    DIRTY_KINDS,
    EMOTION_WEIGHTS,
    EMOTIONS,
    HOURLY_ACTIVITY,
    INTENSITY_BETA,
    MAX_DUPLICATE_DISTANCE,
    MISSABLE_FIELDS,
    NON_UTC_OFFSETS,
    NOTE_SHARE,
    SESSION_GAP_MEAN_MS,
    SESSION_P,
    SOURCE_WEIGHTS,
    USER_POOL,
    USER_ZIPF_EXPONENT,
)

I64 = npt.NDArray[np.int64]
Index = npt.NDArray[np.intp]

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


def minute_cdf(start_ms: int, end_ms: int) -> npt.NDArray[np.float64]:
    """The diurnal curve over the window's minutes, as a CDF to draw session starts from."""
    minutes = np.arange(start_ms // 60_000, end_ms // 60_000, dtype=np.int64)
    cdf = np.cumsum(_HOURLY[(minutes // 60) % 24])
    return np.asarray(cdf / cdf[-1], dtype=np.float64)


def _pick(cdf: npt.NDArray[np.float64], u: npt.NDArray[np.float64]) -> Index:
    """Inverse-CDF sampling: index of the category each uniform draw falls in."""
    return np.minimum(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)


@dataclass(frozen=True)
class Rows:
    """Per-row inputs of the rendering (value-table indexes and numbers), for one draw."""

    event_bytes: U8  # (n, 16) UUID bytes
    session_text: U8  # (sessions, 24) "u012345,<16 hex digits>"
    row_session: Index
    local_ms: I64  # wall-clock time in the row's offset, ms since the epoch
    offset_index: Index
    emotion_spelling: Index
    intensity: I64  # thousandths
    source: Index
    note: Index
    missing_field: Index  # index into MISSABLE_FIELDS, -1 for none


@dataclass(frozen=True)
class _Sessions:
    counts: I64  # events per session
    user: I64
    source: Index
    id_bytes: U8  # (sessions, 8)
    start_ms: I64


@dataclass(frozen=True)
class _Events:
    row_session: Index
    utc_ms: I64
    emotion: Index
    intensity: I64
    note: I64
    event_bytes: U8


@dataclass(frozen=True)
class _Defects:
    emotion_spelling: Index
    offset_index: Index
    missing_field: Index
    duplicate_rows: Index
    detail: I64


def _draw_sessions(rng: np.random.Generator, n: int, start_ms: int, minutes: npt.NDArray[np.float64]) -> _Sessions:
    estimate = n // 4 + 64
    counts = rng.geometric(SESSION_P, size=estimate)
    while int(counts.sum()) < n:  # practically never taken
        counts = np.concatenate([counts, rng.geometric(SESSION_P, size=estimate)])
    cum = np.cumsum(counts)
    n_sessions = int(np.searchsorted(cum, n)) + 1
    counts = counts[:n_sessions].copy()
    counts[-1] -= int(cum[n_sessions - 1]) - n

    user_rank = _pick(_user_cdf(), rng.random(n_sessions))
    user = (user_rank * _USER_STRIDE + _USER_SHIFT) % USER_POOL
    source = _pick(_SOURCE_CDF, rng.random(n_sessions))
    id_bytes = np.frombuffer(rng.bytes(8 * n_sessions), dtype=np.uint8).reshape(n_sessions, 8)
    minute = _pick(minutes, rng.random(n_sessions)).astype(np.int64)
    session_start = start_ms + minute * 60_000 + rng.integers(0, 60_000, n_sessions)
    return _Sessions(counts, user, source, id_bytes, session_start)


def _draw_events(rng: np.random.Generator, n: int, sessions: _Sessions, start_ms: int, end_ms: int) -> _Events:
    counts = sessions.counts
    row_session = np.repeat(np.arange(len(counts)), counts)
    first_rows = np.cumsum(counts) - counts
    gaps = rng.exponential(SESSION_GAP_MEAN_MS, size=n).astype(np.int64)
    gaps[first_rows] = 0
    elapsed = np.cumsum(gaps)
    elapsed -= np.repeat(elapsed[first_rows], counts)
    # Sessions running past the window end wrap to its start: every event stays in the window.
    utc_ms = start_ms + (sessions.start_ms[row_session] - start_ms + elapsed) % (end_ms - start_ms)

    emotion = _pick(_EMOTION_CDF, rng.random(n))
    intensity = np.rint(rng.beta(_BETA_A[emotion], _BETA_B[emotion]) * 1000).astype(np.int64)
    has_note = rng.random(n) < NOTE_SHARE
    phrase = rng.integers(0, NOTES_PER_EMOTION, n)
    note = np.where(has_note, 1 + emotion * NOTES_PER_EMOTION + phrase, 0)
    event_bytes = np.frombuffer(rng.bytes(16 * n), dtype=np.uint8).reshape(n, 16).copy()
    event_bytes[:, 6] = (event_bytes[:, 6] & 0x0F) | 0x40  # UUID version 4
    event_bytes[:, 8] = (event_bytes[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    return _Events(row_session, utc_ms, emotion, intensity, note, event_bytes)


def _draw_defects(rng: np.random.Generator, n: int, dirty_share: float, emotion: Index) -> _Defects:
    """Each dirty row gets exactly one defect."""
    dirty = rng.random(n) < dirty_share
    kind = rng.integers(0, len(DIRTY_KINDS), n)
    detail = rng.integers(0, 1 << 30, n)
    if kind[0] == KIND_DUPLICATE:  # the first row has nothing to duplicate
        kind[0] = KIND_CASE

    emotion_spelling = emotion * 3  # row of EMO_TABLE: canonical, UPPER, Title
    case_rows = dirty & (kind == KIND_CASE)
    emotion_spelling[case_rows] += 1 + detail[case_rows] % 2
    offset_index = np.zeros(n, dtype=np.intp)  # row of OFFSET_TABLE, 0 is "Z"
    offset_rows = dirty & (kind == KIND_OFFSET)
    offset_index[offset_rows] = 1 + detail[offset_rows] % len(NON_UTC_OFFSETS)
    missing_field = np.full(n, -1, dtype=np.intp)  # index into MISSABLE_FIELDS
    missing_rows = np.flatnonzero(dirty & (kind == KIND_MISSING))
    missing_field[missing_rows] = detail[missing_rows] % len(MISSABLE_FIELDS)
    duplicate_rows = np.flatnonzero(dirty & (kind == KIND_DUPLICATE))
    return _Defects(emotion_spelling, offset_index, missing_field, duplicate_rows, detail)


def _duplicate_sources(n: int, duplicate_rows: Index, detail: I64) -> Index:
    """For every row, the row it is a copy of (itself unless it is a duplicate).

    Exact duplicates repeat a row up to MAX_DUPLICATE_DISTANCE rows earlier (an
    at-least-once delivery); a duplicate of a duplicate copies the original.
    """
    src = np.arange(n)
    src[duplicate_rows] = np.maximum(duplicate_rows - 1 - detail[duplicate_rows] % MAX_DUPLICATE_DISTANCE, 0)
    while True:
        resolved = src[src]
        if np.array_equal(resolved, src):
            return src
        src = resolved


def _session_text(sessions: _Sessions) -> U8:
    """ "u012345,<16 hex digits>": the user id and session id columns of each session."""
    text = np.empty((len(sessions.counts), 24), dtype=np.uint8)
    text[:, 0] = ord("u")
    text[:, 1:4] = LUT3[sessions.user // 1000]
    text[:, 4:7] = LUT3[sessions.user % 1000]
    text[:, 7] = ord(",")
    text[:, 8:24] = HEX_PAIRS[sessions.id_bytes].view(np.uint8)
    return text


def draw_rows(
    rng: np.random.Generator,
    n: int,
    start_ms: int,
    end_ms: int,
    minutes: npt.NDArray[np.float64],
    dirty_share: float,
) -> Rows:
    """Draw `n` rows of one chunk; duplicates copy every per-row input of their original byte for byte."""
    sessions = _draw_sessions(rng, n, start_ms, minutes)
    events = _draw_events(rng, n, sessions, start_ms, end_ms)
    defects = _draw_defects(rng, n, dirty_share, events.emotion)
    if defects.duplicate_rows.size:
        src = _duplicate_sources(n, defects.duplicate_rows, defects.detail)
        events = _Events(
            events.row_session[src],
            events.utc_ms[src],
            events.emotion[src],
            events.intensity[src],
            events.note[src],
            events.event_bytes[src],
        )
        defects = replace(
            defects,
            emotion_spelling=defects.emotion_spelling[src],
            offset_index=defects.offset_index[src],
            missing_field=defects.missing_field[src],
        )
    return Rows(
        event_bytes=events.event_bytes,
        session_text=_session_text(sessions),
        row_session=events.row_session,
        local_ms=events.utc_ms + OFFSET_MS[defects.offset_index],
        offset_index=defects.offset_index,
        emotion_spelling=defects.emotion_spelling,
        intensity=events.intensity,
        source=sessions.source[events.row_session],
        note=events.note,
        missing_field=defects.missing_field,
    )
