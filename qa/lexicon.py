"""The translator's lexicon: words users write, mapped onto the ontology's types and values.

Relation words come from the ontology (`RelType.words`, `Prop.words`) and nowhere else; this module adds the
question-side vocabulary (question forms, superlatives, time words, role synonyms) and the
parsing of years, months and dates in questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.ontology import REL_BY_TYPE
from graph.text import MONTH_RE, STOPWORDS, month_number

STOP = STOPWORDS | {"currently", "current", "today", "still", "yet"}


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def rel_words(rel_type: str) -> set[str]:
    return set(REL_BY_TYPE[rel_type].words)


PRODUCTION_WORDS = rel_words("PRODUCES")
RESERVE_WORDS = rel_words("HAS_RESERVES")
METRIC_WORDS = {
    "quota": "quota",
    "quotas": "quota",
    "share": "share",
    "percent": "share",
    "percentage": "share",
    "reliance": "import_reliance",
    "dependence": "import_reliance",
    "rely": "import_reliance",
    "relies": "import_reliance",
    "dependent": "import_reliance",
    "capacity": "capacity",
}
SUPERLATIVE = {
    "most": "desc",
    "largest": "desc",
    "biggest": "desc",
    "top": "desc",
    "leading": "desc",
    "highest": "desc",
    "greatest": "desc",
    "main": "desc",
    "dominant": "desc",
    "dominated": "desc",
    "dominates": "desc",
    "led": "desc",
    "leads": "desc",
    "lead": "desc",
    "least": "asc",
    "smallest": "asc",
    "lowest": "asc",
    "fewest": "asc",
}
ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}

POLICY_CATEGORY_WORDS = {
    "export_control": {"export", "exports", "exporting", "control", "controls", "controlled", "licensing", "licence",
                       "license", "licences", "licenses", "ban", "banned", "bans", "banning", "restrict", "restricted",
                       "restriction", "restrictions", "restricts", "curbs", "curb", "halt", "halted", "moratorium",
                       "embargo"},
    "tariff": {"tariff", "tariffs", "duty", "duties"},
    "agreement": {"agreement", "agreements", "agree", "agreed", "framework", "frameworks", "deal", "deals", "mou", "memorandum",
                  "truce", "arrangement", "declaration", "pact", "signed", "sign", "treaty", "proposal",
                  "proposals", "propose", "proposed", "offer", "offered", "offers", "suggested"},
    "investment": {"investment", "investments", "loan", "loans", "equity", "funding", "financing", "stake",
                   "invest", "invested", "grant"},
    "regulation": {"regulation", "regulations", "law", "act", "rules"},
    "suspension": {"suspension", "suspend", "suspended", "lifted", "paused"},
}  # fmt: skip
POLICY_NOUNS = {"policy", "policies", "measure", "measures", "announcement", "announcements", "rule"}

EVENT_WORDS = rel_words("PARTICIPATED_IN") | {"hold", "held", "took"}
OFFICE_WORDS = rel_words("HOLDS_OFFICE") - {
    "is", "was", "serves", "held", "hold", "holds", "post", "posts", "served", "serving", "sworn", "appointed", "named",
    "cabinet",
}  # fmt: skip
# how one role word may appear in stored role text
ROLE_VARIANTS = {"ceo": ["ceo", "chief executive"], "minist": ["minist"], "pm": ["prime minister"]}
ROLE_SYNONYMS = {
    "pm": ["prime", "minister"],
    "chief executive": ["ceo"],
    "chief executive officer": ["ceo"],
    "boss": ["ceo"],
    "head": [],
    "heads": [],
    "runs": [],
    "leads": [],
    "leader": [],
    "usTR": [],
    "foreign minister": ["foreign", "minister"],
    "trade minister": ["trade", "minister"],
    "commerce secretary": ["secretary", "commerce"],
    "treasury secretary": ["secretary", "treasury"],
    "secretary of state": ["secretary", "state"],
    "in charge of": [],
    "responsible for": [],
}
HQ_WORDS = rel_words("HEADQUARTERED_IN")
USE_WORDS = rel_words("USED_IN")
PATH_WORDS = {"connected", "connection", "connections", "related", "relationship", "relationships", "linked",
              "link", "links", "relate", "tie", "ties", "connects", "connect", "linking", "relation", "relations"}  # fmt: skip
COUNT_WORDS = ("how many", "number of", "count of")
STAGE_WORDS = {
    "magnet making": {"magnet", "magnets", "permanent"},
    "mining": {"mine", "mines", "mining", "miner", "miners"},
    "separation/refining": {"separate", "separates", "separation", "refine", "refines", "refining", "refiners",
                            "refiner", "process", "processes", "processing", "processors", "separators"},
    "recycling": {"recycle", "recycles", "recycling", "recyclers"},
    "metal/alloy": {"alloy", "alloys", "metallization"},
    "trading": {"trade", "trading", "distribute", "distributes", "distribution", "traders"},
    "investment": {"investors", "financiers"},
}  # fmt: skip
SUPPLY_WORDS = rel_words("SUPPLIES")
INVEST_WORDS = rel_words("INVESTS_IN")
PARTNER_WORDS = rel_words("PARTNERS_WITH")
FACILITY_WORDS = rel_words("OPERATES") - {
    "runs",
    "owns",
    "develops",
    "developing",
    "developed",
    "developer",
    "operator",
    "project",
    "projects",
}
OUTSIDE_RE = re.compile(r"\b(outside( of)?|excluding|except|other than|besides|apart from|ex-)\s*$", re.I)


@dataclass
class TimeSpec:
    year: int | None = None
    month: int | None = None
    day: int | None = None

    @property
    def prefix(self) -> str | None:
        """An ISO prefix ('2025', '2025-04', '2025-04-04') that dates can be compared with."""
        if self.year is None:
            return None
        if self.month is None:
            return f"{self.year}"
        if self.day is None:
            return f"{self.year}-{self.month:02d}"
        return f"{self.year}-{self.month:02d}-{self.day:02d}"

    @property
    def point(self) -> str | None:
        """A date inside the period (its middle day for a month) for 'who held X in June 2025'."""
        if self.year is None:
            return None
        if self.month is None:
            return f"{self.year}-07-01"
        return f"{self.year}-{self.month:02d}-{self.day or 15:02d}"


TIME_RE = re.compile(
    rf"(?:\b(\d{{1,2}})\s+{MONTH_RE}\.?,?\s+(\d{{4}})\b)|(?:\b{MONTH_RE}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b)"
    rf"|(?:\b{MONTH_RE}\.?\s+(?:of\s+)?(\d{{4}})\b)|(?:\b(\d{{4}})-(\d{{2}})(?:-(\d{{2}}))?\b)|(?:\b(19\d{{2}}|20\d{{2}})\b)",
    re.I,
)


def find_time(text: str) -> tuple[TimeSpec | None, list[tuple[int, int]]]:
    """The first date, month or year in a question and the spans it covers."""
    m = TIME_RE.search(text)
    if not m:
        return None, []
    g = m.groups()
    if g[0]:
        spec = TimeSpec(int(g[2]), month_number(g[1]), int(g[0]))
    elif g[3]:
        spec = TimeSpec(int(g[5]), month_number(g[3]), int(g[4]))
    elif g[6]:
        spec = TimeSpec(int(g[7]), month_number(g[6]))
    elif g[8]:
        spec = TimeSpec(int(g[8]), int(g[9]), int(g[10]) if g[10] else None)
    else:
        spec = TimeSpec(int(g[11]))
    return spec, [m.span()]


WH_WORDS = {
    "who",
    "whom",
    "which",
    "what",
    "when",
    "where",
    "how",
    "is",
    "are",
    "was",
    "did",
    "does",
    "list",
    "show",
    "name",
}
ROLE_IGNORE = {"serves", "served", "serving", "held", "holds", "hold", "office", "role", "position", "job", "title",
               "person", "name", "currently", "now", "time", "graph", "according", "whose", "incumbent", "sitting",
               "current", "present", "former", "previous", "country", "company", "post", "posts", "seat", "news",
               "article", "articles", "report", "reports", "reported", "sources", "source", "says", "said"}  # fmt: skip
