"""The generator: schema, distributions, defects, reproducibility."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import operator
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from eventgen import layout
from eventgen.generator import (
    CHUNK_ROWS,
    COLUMNS,
    EMOTION_WEIGHTS,
    EMOTIONS,
    HEADER,
    INTENSITY_BETA,
    MAX_DUPLICATE_DISTANCE,
    NON_UTC_OFFSETS,
    SOURCES,
    GeneratorConfig,
    generate_csv,
    iter_csv_chunks,
)

DAY = datetime(2024, 5, 1, tzinfo=UTC)
REQUIRED = ("user_id", "session_id", "event_time", "emotion", "intensity", "source")
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
UTC_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
OFFSET_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}")
USER_ID = re.compile(r"u\d{6}")
SESSION_ID = re.compile(r"[0-9a-f]{16}")
INTENSITY = re.compile(r"(0\.\d{3}|1\.000)")


def config(rows: int = 1000, seed: int = 7, dirty_share: float = 0.05, **kw: datetime) -> GeneratorConfig:
    return GeneratorConfig(
        rows=rows,
        seed=seed,
        window_start=kw.get("start", DAY),
        window_end=kw.get("end", DAY + timedelta(days=1)),
        dirty_share=dirty_share,
    )


def parse(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    header = next(reader)
    return header, [dict(zip(header, row, strict=True)) for row in reader]


def event_ids(data: bytes) -> set[str]:
    """The event_id of every row, read as CSV like `parse` does, without building a dict per row."""
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    assert next(reader)[0] == "event_id"
    return {row[0] for row in reader}


@dataclass
class Defects:
    duplicate: list[int] = field(default_factory=list)
    mixed_case: list[int] = field(default_factory=list)
    missing_value: list[int] = field(default_factory=list)
    offset_timestamp: list[int] = field(default_factory=list)

    @property
    def dirty(self) -> set[int]:
        return {*self.duplicate, *self.mixed_case, *self.missing_value, *self.offset_timestamp}


def classify(rows: list[dict[str, str]]) -> Defects:
    """Find every defect the silver layer has to repair, row by row."""
    defects = Defects()
    seen: set[tuple[str, ...]] = set()
    required = operator.itemgetter(*REQUIRED)
    for i, row in enumerate(rows):
        key = tuple(row.values())
        if key in seen:
            defects.duplicate.append(i)
            continue
        seen.add(key)
        emotion, event_time = row["emotion"], row["event_time"]
        if emotion and emotion != emotion.lower():
            defects.mixed_case.append(i)
        if "" in required(row):
            defects.missing_value.append(i)
        if event_time and not event_time.endswith("Z"):
            defects.offset_timestamp.append(i)
    return defects


@pytest.fixture(scope="module")
def big() -> list[dict[str, str]]:
    """100k rows over one day with the default 5% dirty share."""
    _, rows = parse(generate_csv(config(rows=100_000, seed=2024)))
    return rows


@pytest.fixture(scope="module")
def big_defects(big: list[dict[str, str]]) -> Defects:
    """The defects of `big`, classified once for the tests that read them."""
    return classify(big)


@pytest.fixture(scope="module")
def big_clean() -> list[dict[str, str]]:
    _, rows = parse(generate_csv(config(rows=100_000, seed=2024, dirty_share=0.0)))
    return rows


def test_header_and_every_row_has_the_eight_columns_in_order() -> None:
    data = generate_csv(config(rows=5000))
    assert data.startswith(HEADER)
    assert HEADER == b"event_id,user_id,session_id,event_time,emotion,intensity,source,note\n"
    header, rows = parse(data)
    assert tuple(header) == COLUMNS
    assert len(rows) == 5000
    assert data.endswith(b"\n")
    assert b"\r" not in data


@pytest.mark.parametrize("rows", [0, 1, 2, CHUNK_ROWS - 1, CHUNK_ROWS, CHUNK_ROWS + 1, 2 * CHUNK_ROWS + 5])
def test_exactly_the_requested_number_of_rows(rows: int) -> None:
    data = generate_csv(config(rows=rows))
    assert data.count(b"\n") == rows + 1  # notes never contain line breaks


def test_clean_rows_are_well_formed_and_inside_the_window(big_clean: list[dict[str, str]]) -> None:
    start, end = DAY, DAY + timedelta(days=1)
    for row in big_clean:
        assert UUID4.fullmatch(row["event_id"]), row
        assert USER_ID.fullmatch(row["user_id"]), row
        assert SESSION_ID.fullmatch(row["session_id"]), row
        assert UTC_TIME.fullmatch(row["event_time"]), row
        assert start <= datetime.fromisoformat(row["event_time"]) < end, row
        assert row["emotion"] in EMOTIONS, row
        assert INTENSITY.fullmatch(row["intensity"]), row
        assert row["source"] in SOURCES, row
    assert not classify(big_clean).dirty
    assert len({row["event_id"] for row in big_clean}) == len(big_clean)


def test_notes_are_optional_free_text_with_csv_quoting() -> None:
    data = generate_csv(config(rows=20_000, dirty_share=0.0))
    _, rows = parse(data)
    notes = Counter(row["note"] for row in rows)
    assert 0.5 < notes[""] / len(rows) < 0.6  # 45% of events carry a note
    quoted = [n for n in notes if "," in n or '"' in n]
    assert quoted, "some notes need CSV quoting"
    for note in quoted:
        assert ('"' + note.replace('"', '""') + '"').encode() in data
    assert "café with an old friend" in notes  # UTF-8 text survives


def test_emotion_frequencies_follow_the_configured_weights(big_clean: list[dict[str, str]]) -> None:
    counts = Counter(row["emotion"] for row in big_clean)
    for emotion, weight in zip(EMOTIONS, EMOTION_WEIGHTS, strict=True):
        assert counts[emotion] / len(big_clean) == pytest.approx(weight, abs=0.006), emotion


def test_intensity_depends_on_the_emotion(big_clean: list[dict[str, str]]) -> None:
    by_emotion: dict[str, list[float]] = defaultdict(list)
    for row in big_clean:
        by_emotion[row["emotion"]].append(float(row["intensity"]))
    means = {e: statistics.fmean(v) for e, v in by_emotion.items()}
    for emotion, (a, b) in INTENSITY_BETA.items():
        assert means[emotion] == pytest.approx(a / (a + b), abs=0.01), emotion
    assert means["anger"] > means["joy"] > means["fear"] > means["sadness"] > means["neutral"]
    assert means["anger"] - means["neutral"] > 0.5
    assert all(0.0 <= x <= 1.0 for values in by_emotion.values() for x in values)


def test_users_and_sessions_recur(big_clean: list[dict[str, str]]) -> None:
    users = Counter(row["user_id"] for row in big_clean)
    sessions: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in big_clean:
        sessions[row["session_id"]].append(row)
    # Zipf-like popularity: few users, a heavy head.
    assert len(users) < len(big_clean) / 4
    top_share = sum(n for _, n in users.most_common(10)) / len(big_clean)
    assert top_share > 0.05
    assert users.most_common(1)[0][1] > 50 * statistics.median(users.values())
    # Several events per session (geometric, mean 4); a session is one user on one source.
    assert statistics.fmean(len(v) for v in sessions.values()) == pytest.approx(4.0, abs=0.2)
    for events in sessions.values():
        assert len({(e["user_id"], e["source"]) for e in events}) == 1
    sessions_per_user = Counter(events[0]["user_id"] for events in sessions.values())
    assert sessions_per_user.most_common(1)[0][1] > 100


def test_event_times_follow_a_daily_curve(big_clean: list[dict[str, str]]) -> None:
    hours = Counter(int(row["event_time"][11:13]) for row in big_clean)
    assert hours[20] > 5 * hours[3]  # busy evenings, quiet nights


def test_dirty_share_is_respected_and_every_dirty_row_has_one_defect(
    big: list[dict[str, str]], big_defects: Defects
) -> None:
    defects = big_defects
    n = len(big)
    assert len(defects.dirty) / n == pytest.approx(0.05, abs=0.004)
    for kind in ("duplicate", "mixed_case", "missing_value", "offset_timestamp"):
        assert len(getattr(defects, kind)) / n == pytest.approx(0.0125, abs=0.0025), kind
    singles = [defects.mixed_case, defects.missing_value, defects.offset_timestamp]
    assert sum(len(s) for s in singles) == len(set().union(*singles)), "a row with two defects"


def test_defects_look_like_what_the_silver_layer_must_repair(big: list[dict[str, str]], big_defects: Defects) -> None:
    defects = big_defects
    spellings = {big[i]["emotion"] for i in defects.mixed_case}
    assert {"JOY", "Joy", "NEUTRAL", "Neutral"} <= spellings
    assert all(s.lower() in EMOTIONS for s in spellings)
    offsets = {big[i]["event_time"][-6:] for i in defects.offset_timestamp}
    assert offsets == set(NON_UTC_OFFSETS)
    for i in defects.offset_timestamp:
        assert OFFSET_TIME.fullmatch(big[i]["event_time"])
        instant = datetime.fromisoformat(big[i]["event_time"])
        assert DAY <= instant < DAY + timedelta(days=1)  # the same instant, written in local time
    blanked = Counter(name for i in defects.missing_value for name in REQUIRED if big[i][name] == "")
    assert set(blanked) == set(REQUIRED)
    assert all(big[i]["event_id"] for i in range(len(big)))  # the dedup key is never blank
    lines = [tuple(row.values()) for row in big]
    for i in defects.duplicate:
        assert lines[i] in lines[max(0, i - MAX_DUPLICATE_DISTANCE) : i]  # a re-delivery shortly after


def test_dirty_share_only_adds_defects_to_otherwise_identical_rows(
    big: list[dict[str, str]], big_defects: Defects, big_clean: list[dict[str, str]]
) -> None:
    dirty = big_defects.dirty
    for i, (row, clean_row) in enumerate(zip(big, big_clean, strict=True)):
        if i not in dirty:
            assert row == clean_row


@pytest.mark.parametrize("share", [0.0, 0.3, 1.0])
def test_dirty_share_extremes(share: float) -> None:
    _, rows = parse(generate_csv(config(rows=20_000, dirty_share=share)))
    assert len(classify(rows).dirty) / len(rows) == pytest.approx(share, abs=0.015)


def test_same_seed_gives_identical_bytes_and_other_seeds_differ() -> None:
    big = config(rows=CHUNK_ROWS + 17, seed=99)
    first = generate_csv(big)
    assert generate_csv(big) == first
    assert b"".join(iter_csv_chunks(big)) == first
    other = generate_csv(config(rows=CHUNK_ROWS + 17, seed=100))
    assert other != first
    assert not event_ids(first) & event_ids(other)


def test_a_batch_is_a_prefix_of_a_longer_batch_with_the_same_seed() -> None:
    short = generate_csv(config(rows=CHUNK_ROWS + 10))
    long = generate_csv(config(rows=2 * CHUNK_ROWS))
    one_chunk = generate_csv(config(rows=CHUNK_ROWS))
    assert long.startswith(one_chunk)
    assert short.startswith(one_chunk)


def test_output_is_pinned_for_a_known_seed() -> None:
    """Byte-for-byte regression guard: a change of format, distribution or numpy version shows here."""
    data = generate_csv(config(rows=1000, seed=42))
    assert hashlib.sha256(data).hexdigest() == GOLDEN_SHA256


def test_short_windows_keep_every_event_inside() -> None:
    start = datetime(2024, 12, 31, 23, 45, tzinfo=UTC)
    _, rows = parse(generate_csv(config(rows=20_000, dirty_share=0.0, start=start, end=start + timedelta(minutes=15))))
    times = [datetime.fromisoformat(r["event_time"]) for r in rows]
    assert min(times) >= start
    assert max(times) < start + timedelta(minutes=15)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rows": -1}, "rows"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**63}, "seed"),
        ({"dirty_share": 1.5}, "dirty_share"),
        ({"dirty_share": float("nan")}, "dirty_share"),
        ({"window_end": DAY}, "after"),
        ({"window_start": datetime(2024, 5, 1)}, "timezone"),
        ({"window_start": DAY + timedelta(seconds=30)}, "whole minutes"),
    ],
)
def test_invalid_configurations_are_rejected(change: dict[str, Any], message: str) -> None:
    valid = GeneratorConfig(rows=10, seed=1, window_start=DAY, window_end=DAY + timedelta(hours=1))
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(valid, **change)


def test_row_layout_constants_are_consistent() -> None:
    assert sum(w for _, w in layout.SLOTS) + len(layout.SLOTS) == layout.ROW_WIDTH
    assert 0 not in bytes(HEADER)


GOLDEN_SHA256 = "866279d12179979e094f57d4539e75fa61f1d8cc7126afe488c243e0a82612e8"
