"""Small text helpers shared by the dataset loader, the article extractor and the translator."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

# Function words: skipped when matching names, linking questions and retrieving examples.
STOPWORDS = frozenset(
    """a an the of in on at to for from by with and or as into about than then is are was were be been being it its
    this that these those what which who whom whose when where how why many much did does do has have had will would
    can could should shall may might there their they them his her he she i me my we our us you your any all some each
    per no not yes also ever now""".split()  # noqa: SIM905
)

MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
MONTH_RE = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"


_POSSESSIVE = re.compile(r"[’'`]s\b")
_US = re.compile(r"\bu\.s\.?(?:a\.?)?(?![a-z])")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_MT = re.compile(r"\bmt\b")


@functools.lru_cache(maxsize=1 << 16)
def norm_key(text: str) -> str:
    """A matching key: case, accents, punctuation and 'Mt'/'Mount' differences removed.

    Cached: entity linking asks for the key of every n-gram of every sentence, and most repeat."""
    text = text.replace("’", "'").replace("‘", "'")
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.lower().replace("&", " and ")
    text = _POSSESSIVE.sub("", text)
    text = _US.sub("us", text)
    text = _NON_ALNUM.sub(" ", text)
    text = _MT.sub("mount", text)
    return " ".join(text.split())


def source_id(title: str, url: str) -> str:
    return "src-" + hashlib.sha1(f"{title.strip()}|{url.strip()}".encode()).hexdigest()[:12]


# Control characters other than tab, newline and carriage return: no dataset, article or import may carry one
# (a NUL or U+0001 in a key crashes the embedded FalkorDB server; none is ever meaningful in a fact).
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_char(text: str) -> str | None:
    """The first forbidden control character of `text`, named ("U+0001"), or None."""
    m = CONTROL_CHARS.search(text)
    return f"U+{ord(m.group(0)):04X}" if m else None


NUMBER_RE = re.compile(r"^\s*([<>]=?|~|about\s+)?\s*(-?\d[\d,]*(?:\.\d+)?)\s*(?:[-–]\s*(\d[\d,]*(?:\.\d+)?))?\s*$")
CODES = {"NA": "not available", "W": "withheld", "--": "none", "XX": "not applicable"}


def parse_number(text: str) -> tuple[float | None, str | None]:
    """'51,000' -> (51000.0, None); '>75,000,000' -> (75000000.0, '>75,000,000');
    '10,000-15,000' -> (10000.0, '10,000-15,000'); 'NA' -> (None, 'NA').

    Raises ValueError for text that is neither a number, a bound, a range nor a USGS code.
    """
    raw = (text or "").strip()
    if not raw:
        return None, None
    m = NUMBER_RE.match(raw)
    if m:
        value = float(m.group(2).replace(",", ""))
        plain = not m.group(1) and not m.group(3)
        return value, None if plain else raw
    head = raw.split()[0]
    if head in CODES or head == "s":
        return None, raw
    raise ValueError(f"expected a number such as 51,000, a bound such as >75,000,000, a range or NA/W; got {raw!r}")


DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?\b")
DATE_DMY = re.compile(rf"\b(\d{{1,2}})\s+{MONTH_RE}\.?,?\s+(\d{{4}})\b", re.I)
DATE_MDY = re.compile(rf"\b{MONTH_RE}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
DATE_MY = re.compile(rf"\b{MONTH_RE}\.?\s+(\d{{4}})\b", re.I)
YEAR = re.compile(r"\b(19\d{2}|20\d{2})\b")


def parse_date(text: str) -> str | None:
    """The first date in free text as ISO-8601, as precise as stated: '2025-04', 'May 12 2025' -> '2025-05-12'."""
    if not text:
        return None
    best: tuple[int, str] | None = None
    for rx, kind in ((DATE_ISO, "iso"), (DATE_MDY, "mdy"), (DATE_DMY, "dmy"), (DATE_MY, "my"), (YEAR, "y")):
        m = rx.search(text)
        if not m:
            continue
        if kind == "iso":
            iso = f"{m.group(1)}-{m.group(2)}" + (f"-{m.group(3)}" if m.group(3) else "")
        elif kind == "mdy":
            iso = f"{m.group(3)}-{month_number(m.group(1)):02d}-{int(m.group(2)):02d}"
        elif kind == "dmy":
            iso = f"{m.group(3)}-{month_number(m.group(2)):02d}-{int(m.group(1)):02d}"
        elif kind == "my":
            iso = f"{m.group(2)}-{month_number(m.group(1)):02d}"
        else:
            iso = m.group(1)
        if best is None or m.start() < best[0]:
            best = (m.start(), iso)
    return best[1] if best else None


def month_number(name: str) -> int:
    name = name.lower().rstrip(".")
    return MONTHS.get(name) or MONTHS[name[:3]]


def latest_date(text: str) -> str | None:
    """The latest full or partial date mentioned in a citation (its publication date)."""
    found: list[str] = []
    for m in DATE_ISO.finditer(text):
        found.append(f"{m.group(1)}-{m.group(2)}" + (f"-{m.group(3)}" if m.group(3) else ""))
    for m in DATE_MDY.finditer(text):
        found.append(f"{m.group(3)}-{month_number(m.group(1)):02d}-{int(m.group(2)):02d}")
    for m in DATE_DMY.finditer(text):
        found.append(f"{m.group(3)}-{month_number(m.group(2)):02d}-{int(m.group(1)):02d}")
    if not found:
        for m in DATE_MY.finditer(text):
            found.append(f"{m.group(2)}-{month_number(m.group(1)):02d}")
    if not found:
        found = [m.group(1) for m in YEAR.finditer(text)]
    return max(found) if found else None


def split_top(text: str, seps: str = ";") -> list[str]:
    """Split on separators that are not inside parentheses or quotes."""
    parts: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if ch in seps and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur).strip())
    return [p for p in parts if p]


def strip_parens(text: str) -> str:
    return re.sub(r"\s*\([^)]*\)", "", text).strip()


_WORDS = "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty sixty seventy eighty ninety"
_DURATION_NUMBER = r"(\d+(?:\.\d+)?|an?|" + "|".join(_WORDS.split()) + ")"
_UNIT_MINUTES = {"minute": 1, "min": 1, "hour": 60, "hr": 60, "day": 1440}
_WORD_NUMBER = {"a": 1, "an": 1} | dict(
    zip(_WORDS.split(), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 20, 30, 40, 50, 60, 70, 80, 90], strict=True)
)
DURATION_RE = re.compile(
    rf"\b{_DURATION_NUMBER}\s*(minute|min|hour|hr|day)s?\b(?:\s+and\s+a\s+half)?(?:\s+(\d+)\s*(?:minutes?|mins?)\b)?",
    re.I,
)


def duration_minutes(text: str) -> int | None:
    """The first length of time stated, in minutes: '~90 minutes' 90, '~1 hour 40 minutes' 100, 'an hour and a
    half' 90, '2 days' 2880. Events store it so questions can compare lengths ('calls longer than an hour')."""
    half = re.search(r"\b(half|a quarter of) an? hour\b", text or "", re.I)
    m = DURATION_RE.search(text or "")
    if half and (not m or half.start() < m.start()):
        return 30 if half.group(1).lower() == "half" else 15
    if not m:
        return None
    raw = m.group(1).lower()
    n = float(raw) if raw[0].isdigit() else _WORD_NUMBER[raw]
    unit = _UNIT_MINUTES[m.group(2).lower()]
    total = n * unit + (unit / 2 if "half" in m.group(0).lower() else 0) + (int(m.group(3)) if m.group(3) else 0)
    return round(total)
