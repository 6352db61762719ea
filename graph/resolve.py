"""Entity resolution: names and aliases to canonical nodes, and mention finding in free text.

One index serves the dataset loader (participants, covered minerals, relations), the article
extractor and the question translator's entity linker, so a name resolves the same way
everywhere. Short or all-capital aliases ("US", "EU", "MP", "Dy") only match with their case.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from graph.text import STOPWORDS, norm_key

WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9\.'’&]*[A-Za-z0-9]|[A-Za-z0-9]")
# Words that never name an entity on their own (so never a surname alias, a fuzzy match or a company short name).
COMMON_WORDS = STOPWORDS | {
    "most", "more", "less", "least", "over", "under", "new", "one", "two", "three", "first", "second", "last",
    "energy", "materials", "resources", "rare", "earth", "earths", "group", "company", "corporation", "chemical",
    "elements", "element", "technologies", "minerals", "mineral", "metals", "metal", "magnetics", "magnet",
    "magnets", "power", "national", "international", "china", "japan", "general", "motors",
}  # fmt: skip


@dataclass(frozen=True)
class Entity:
    label: str
    name: str


@dataclass(frozen=True)
class Mention:
    entity: Entity
    start: int
    end: int
    surface: str
    score: float = 100.0


class EntityIndex:
    def __init__(self) -> None:
        self._by_key: dict[str, list[Entity]] = {}
        self._free: set[str] = set()  # keys that some case-insensitive name also has
        # per (key, entity): the case-sensitive surfaces it has for that key, or None when one of its
        # surfaces for the key is case-insensitive ("CHIPS" names Commerce only in capitals; "chips" is free)
        self._ent_case: dict[tuple[str, Entity], set[str] | None] = {}
        self._max_tokens = 1
        self._fuzzy_keys: list[str] | None = None
        self._fuzzy_pool: list[str] | None = None

    # -- building ----------------------------------------------------------------------
    def add(self, label: str, name: str, aliases: Iterable[str] = (), *, case_sensitive: Iterable[str] = ()) -> None:
        ent = Entity(label, name)
        for surface in [name, *aliases]:
            surface = (surface or "").strip()
            key = norm_key(surface)
            if not key:
                continue
            bucket = self._by_key.setdefault(key, [])
            if ent not in bucket:
                bucket.append(ent)
            if surface in case_sensitive or _needs_case(surface):
                cased = self._ent_case.setdefault((key, ent), set())
                if cased is not None:
                    cased.add(surface.replace(".", ""))
            else:
                self._free.add(key)
                self._ent_case[(key, ent)] = None
            self._max_tokens = max(self._max_tokens, len(key.split()))
        self._fuzzy_keys = None
        self._fuzzy_pool = None

    def entities(self, label: str | None = None) -> list[Entity]:
        seen: dict[Entity, None] = {}
        for ents in self._by_key.values():
            for e in ents:
                if label is None or e.label == label:
                    seen[e] = None
        return list(seen)

    # -- lookups -------------------------------------------------------------------------
    def resolve(self, text: str, labels: Iterable[str] | None = None, *, fuzzy: bool = False) -> Entity | None:
        """The entity a whole string names (exact after normalisation, then fuzzy if asked)."""
        key = norm_key(text)
        wanted = tuple(labels) if labels else None
        hit = self._pick(self._matching(key, text.strip()), wanted)
        if hit:
            return hit
        if fuzzy and len(key) >= 4:
            best = process.extractOne(key, self._resolve_pool(key, wanted), scorer=fuzz.ratio, score_cutoff=86)
            if best:
                return self._pick(self._ents(best[0]), wanted)
        return None

    def find_mentions(self, text: str, labels: Iterable[str] | None = None, *, fuzzy: bool = False) -> list[Mention]:
        """Non-overlapping mentions, longest first, in text order."""
        wanted = tuple(labels) if labels else None
        tokens = [
            (m.group(0).rstrip(".'’"), m.start(), m.start() + len(m.group(0).rstrip(".'’")))
            for m in WORD.finditer(text)
        ]
        taken = [False] * len(tokens)
        self._prefetch(
            norm_key(text[tokens[i][1] : tokens[i + n - 1][2]])
            for n in range(1, min(self.max_tokens, len(tokens)) + 1)
            for i in range(len(tokens) - n + 1)
        )
        found = self._scan(text, tokens, taken, range(min(self.max_tokens, len(tokens)), 0, -1), wanted, self._exact)
        if fuzzy:
            found += self._scan(text, tokens, taken, (3, 2, 1), wanted, self._fuzzy)
        return sorted(found, key=lambda m: m.start)

    def _scan(
        self,
        text: str,
        tokens: list[tuple[str, int, int]],
        taken: list[bool],
        sizes: Iterable[int],
        wanted: tuple[str, ...] | None,
        match: Callable[[str, str], tuple[list[Entity], float]],
    ) -> list[Mention]:
        """Longest spans of free tokens first; `match(key, surface)` gives (entity candidates, score)."""
        out: list[Mention] = []
        for n in sizes:
            for i in range(0, len(tokens) - n + 1):
                if any(taken[i : i + n]):
                    continue
                start, end = tokens[i][1], tokens[i + n - 1][2]
                surface = text[start:end]
                ents, score = match(norm_key(surface), surface)
                ent = self._pick(ents, wanted)
                if ent is None:
                    continue
                out.append(Mention(ent, start, end, surface, score))
                taken[i : i + n] = [True] * n
        return out

    # -- storage: the in-memory maps here; graph.entity_index.StoredIndex reads a file instead ---------
    @property
    def max_tokens(self) -> int:
        return self._max_tokens

    def _ents(self, key: str) -> list[Entity]:
        return self._by_key.get(key, [])

    def _prefetch(self, keys: Iterable[str]) -> None:
        """A hint: these keys are about to be looked up (a stored index reads them in one query)."""

    def _ent_surfaces(self, key: str, ent: Entity) -> set[str] | None:
        """The case-sensitive surfaces `ent` has for `key`, or None when it matches the key in any case."""
        return self._ent_case.get((key, ent))

    def _resolve_pool(self, key: str, wanted: tuple[str, ...] | None) -> list[str]:
        """Keys `resolve` may fuzzy-match `key` to (naming an entity of a wanted label), in index order."""
        return [k for k in self._keys() if wanted is None or self._pick(self._by_key[k], wanted)]

    def _fuzzy_pool_for(self, key: str) -> list[str]:
        """Keys a mention may fuzzy-match: case-insensitive, at least 5 characters, the same first character
        and a length within 2, in index order. (The best match is chosen among these: choosing it among all
        keys and then rejecting it for its first character or length depended on the order of ties.)"""
        if self._fuzzy_pool is None:
            self._fuzzy_pool = [k for k in self._keys() if len(k) >= 5 and k in self._free]
        return [k for k in self._fuzzy_pool if k[:1] == key[:1] and abs(len(k) - len(key)) <= 2]

    def _exact(self, key: str, surface: str) -> tuple[list[Entity], float]:
        return self._matching(key, surface), 100.0

    def _fuzzy(self, key: str, surface: str) -> tuple[list[Entity], float]:
        parts = key.split()
        if len(key) < 5 or parts[0] in COMMON_WORDS or parts[-1] in COMMON_WORDS:
            return [], 0.0
        best = process.extractOne(key, self._fuzzy_pool_for(key), scorer=fuzz.ratio, score_cutoff=82)
        if not best or abs(len(best[0]) - len(key)) > 2 or best[0][:1] != key[:1]:
            return [], 0.0
        return [e for e in self._ents(best[0]) if self._ent_surfaces(best[0], e) is None], float(best[1])

    def _matching(self, key: str, surface: str) -> list[Entity]:
        """The entities `surface` names under `key`: those it matches with their case first (the acronym
        "CHIPS" is the Commerce programme before it is the word "chips"), then those whose name for the key
        is case-insensitive. An entity known only by a case-sensitive alias needs that exact case."""
        surface = re.sub(r"['’]s$", "", surface).replace(".", "")
        cased, free = [], []
        for e in self._ents(key):
            surfaces = self._ent_surfaces(key, e)
            if surfaces is None:
                free.append(e)
            elif surface in surfaces:
                cased.append(e)
        return cased + free

    def _keys(self) -> list[str]:
        if self._fuzzy_keys is None:
            self._fuzzy_keys = list(self._by_key)
        return self._fuzzy_keys

    @staticmethod
    def _pick(ents: list[Entity], wanted: tuple[str, ...] | None) -> Entity | None:
        if not ents:
            return None
        if wanted is None:
            return ents[0]
        for label in wanted:
            for e in ents:
                if e.label == label:
                    return e
        return None


def _needs_case(surface: str) -> bool:
    """Short names and acronyms must match with their case ('US' is not 'us', 'MP' is not 'mp')."""
    letters = re.sub(r"[^A-Za-z]", "", surface)
    return len(letters) <= 3 or (letters.isupper() and len(letters) <= 6) or norm_key(surface) in COMMON_WORDS


def index_from_store(store: Any) -> EntityIndex:  # a GraphStore (graph.store imports this module)
    """An index of every named entity in the graph (names and aliases), for articles and questions."""
    index = EntityIndex()
    rows = store.run(
        "MATCH (n) WHERE NOT n:Source AND NOT n:Sentence RETURN labels(n)[0] AS label, n.name AS name, n.aliases AS aliases, "
        "n.symbol AS symbol, n.demonym AS demonym ORDER BY label, name"
    )  # ordered, so ties between entities sharing a key break the same way on every engine and after any rewrite
    surnames: dict[str, list[str]] = {}
    for r in rows:
        if r["label"] == "Official" and r["name"] and " " in r["name"]:
            surnames.setdefault(r["name"].split()[-1], []).append(r["name"])
    for r in rows:
        if not r["name"]:
            continue
        aliases = [a for a in (r["aliases"] or []) if isinstance(a, str)]
        if r.get("demonym"):
            aliases.append(r["demonym"])
        if r["label"] == "Official" and " " in r["name"]:
            last = r["name"].split()[-1]
            # A surname is an alias only when one person in the graph has it ("Akazawa", not "Wang").
            if len(surnames.get(last, [])) == 1 and len(last) >= 4 and last.lower() not in COMMON_WORDS:
                aliases.append(last)
        index.add(r["label"], r["name"], aliases)
    return index


# -- company names -------------------------------------------------------------------------------
LEGAL_SUFFIX = re.compile(
    r"(?:,?\s+(?:Corp(?:oration)?\.?|Inc\.?|Incorporated|Ltd\.?|Limited|plc|PLC|LLC|Co\.|AG|AS|ASA|AB|Oy|SpA|BV|KK|S\.?A\.|GmbH|N\.?V\.|Pty"
    r"|Holdings?|Group))+$"
)
ORG_LABELS = ("Company", "Organization")


def strip_legal_suffix(name: str) -> str:
    """'Aurora Minerals Corp.' -> 'Aurora Minerals'; 'Lynas Rare Earths Ltd' -> 'Lynas Rare Earths'."""
    return LEGAL_SUFFIX.sub("", name.strip()).strip()


def resolve_org(index: EntityIndex, name: str) -> Entity | None:
    """The company or agency a name means: as written, without its legal suffix, or with one the graph uses.

    'Holdings' or 'Group' is dropped only when the shorter name is already a company of the graph,
    so a holding company the graph does not know is not merged into an operating company.
    """
    if ent := index.resolve(name, ORG_LABELS, fuzzy=True):
        return ent
    bare = strip_legal_suffix(name)
    if bare and bare != name and len(norm_key(bare)) >= 3 and (ent := index.resolve(bare, ORG_LABELS, fuzzy=True)):
        return ent
    for suffix in ("Corporation", "Corp", "Inc", "Ltd", "Limited", "Group", "Holdings", "plc"):
        if bare and (ent := index.resolve(f"{bare} {suffix}", ORG_LABELS)):
            return ent
    return None
