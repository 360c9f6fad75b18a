"""The data model of the generated events: columns, categories and their weights, notes, defects, sizes."""

from __future__ import annotations

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
