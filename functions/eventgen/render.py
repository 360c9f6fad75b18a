"""CSV text of drawn rows: each field written into its slot, then the padding dropped in one pass."""

from __future__ import annotations

import numpy as np

from eventgen.draw import Rows
from eventgen.layout import (
    CLOCK,
    CONSTANT_COLUMNS,
    EMO_TABLE,
    HEX_PAIRS,
    LUT3,
    NOTE_TABLE,
    OFF,
    OFFSET_TABLE,
    ROW_WIDTH,
    SLOT_WIDTH,
    SRC_TABLE,
    UUID_GROUPS,
    day_bytes,
    put,
)
from eventgen.vocabulary import MISSABLE_FIELDS


class Buffers:
    """Render buffers reused across slices: fresh arrays per slice would cost
    allocations and page faults, and the constant columns only need writing once."""

    def __init__(self, rows: int) -> None:
        self.matrix = np.empty((rows, ROW_WIDTH), dtype=np.uint8)
        for col, value in CONSTANT_COLUMNS.items():
            self.matrix[:, col] = value
        self.keep = np.empty((rows, ROW_WIDTH), dtype=bool)


def render(rows: Rows, part: slice, buffers: Buffers) -> bytes:
    """CSV text of ``rows[part]``.  Rendering goes in slices of ``RENDER_ROWS`` so the
    slot matrix stays cache-sized; the output does not depend on the slice size."""
    n = part.stop - part.start
    m = buffers.matrix[:n]
    o = OFF["event_id"]
    hex_digits = HEX_PAIRS[rows.event_bytes[part]].view(np.uint8)  # (n, 32)
    for start, stop, dest in UUID_GROUPS:
        m[:, o + dest : o + dest + stop - start] = hex_digits[:, start:stop]
    put(m, OFF["user_id"], rows.session_text, rows.row_session[part])

    local_ms = rows.local_ms[part]
    offset_index = rows.offset_index[part]
    emotion_spelling = rows.emotion_spelling[part]
    source = rows.source[part]
    note = rows.note[part]
    intensity = rows.intensity[part]
    missing_field = rows.missing_field[part]
    o = OFF["event_time"]
    day = local_ms // 86_400_000
    first_day = int(day.min())
    day_text = b"".join(day_bytes(d) for d in range(first_day, int(day.max()) + 1))
    put(m, o, np.frombuffer(day_text, dtype=np.uint8).reshape(-1, 10), day - first_day)
    second_of_day, millis = np.divmod(local_ms - day * 86_400_000, 1000)
    put(m, o + 11, CLOCK, second_of_day)
    put(m, o + 20, LUT3, millis)
    put(m, o + 23, OFFSET_TABLE, offset_index)
    put(m, OFF["emotion"], EMO_TABLE, emotion_spelling)
    o = OFF["intensity"]
    m[:, o] = ord("0") + (intensity >= 1000)
    put(m, o + 2, LUT3, intensity % 1000)
    put(m, OFF["source"], SRC_TABLE, source)
    put(m, OFF["note"], NOTE_TABLE, note)

    # --- drop the slot padding ------------------------------------------------
    # Value tables pad with NUL bytes, which never occur in the CSV text, so the
    # padding is exactly the zero bytes of the matrix.  Emptied fields (missing
    # values) are then dropped whole.
    keep = buffers.keep[:n]
    np.not_equal(m, 0, out=keep)
    blanked = np.flatnonzero(missing_field >= 0)
    for i, field in enumerate(MISSABLE_FIELDS):
        o = OFF[field]
        keep[blanked[missing_field[blanked] == i], o : o + SLOT_WIDTH[field]] = False
    text: bytes = m[keep].tobytes()
    return text
