"""The ontology: the one source of truth for labels, relationship types and properties.

Constraints and indexes (graph/schema.py), ingest validation, the LLM prompt, the offline
translator's lexicon and the UI legend are all functions over the data defined here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Prop:
    name: str
    type: str  # "string", "int", "float", "bool", "date" (ISO-8601 string), "list"
    description: str = ""
    words: tuple[str, ...] = ()  # how users ask for it ("symbol", "atomic number"...)


@dataclass(frozen=True)
class NodeType:
    label: str
    key: str
    description: str
    props: tuple[Prop, ...]
    nouns: tuple[str, ...] = ()  # words that name the type in questions
    color: str = "#888888"

    def prop(self, name: str) -> Prop | None:
        return next((p for p in self.props if p.name == name), None)


@dataclass(frozen=True)
class RelType:
    type: str
    start: tuple[str, ...]
    end: tuple[str, ...]
    description: str
    props: tuple[Prop, ...] = ()
    words: tuple[str, ...] = ()  # relation words users write ("produced", "mined", ...)
    # words among `words` that state the relationship from its end's side ("Apple buys from X": X SUPPLIES Apple)
    inverse: tuple[str, ...] = ()
    symmetric: bool = False  # A-[r]->B states the same as B-[r]->A (a partnership has no direction)


COMMON = (
    Prop("name", "string", "display name"),
    Prop("aliases", "list", "other names the entity is known by"),
    Prop("sources", "list", "ids of the Source nodes this node's facts come from"),
)
REL_COMMON = (
    Prop("sources", "list", "ids of the Source nodes backing this relationship"),
    Prop("evidence", "list", "sentences of ingested articles that state it"),
)
# what an article states about a deal, a financing or a partnership (ingest/extract.py)
DEAL = (
    Prop("status", "string", "planned, when the article states it as a future or intended fact"),
    Prop("date", "date", "ISO date the article gives for it, relative dates resolved against the article's date"),
    Prop("date_text", "string", "the date as stated ('on Tuesday', 'last July')"),
    Prop("confidence", "float", "the extractor's confidence when the fact came from an article"),
)

NODES: tuple[NodeType, ...] = (
    NodeType(
        "Country",
        "name",
        "A country, a bloc (European Union) or an aggregate row of a statistics table (World).",
        COMMON
        + (
            Prop("kind", "string", "country | bloc | organisation | aggregate"),
            Prop("demonym", "string", "nationality adjective", ("nationality",)),
            Prop("capital", "string", "capital city; news uses it for the government ('Washington', 'Beijing')"),
        ),
        ("country", "countries", "nation", "nations"),
        "#4e79a7",
    ),
    NodeType(
        "Mineral",
        "name",
        "A rare earth element, a related critical mineral, or a group such as Rare earths.",
        COMMON
        + (
            Prop("symbol", "string", "chemical symbol", ("symbol", "chemical symbol")),
            Prop("atomic_number", "int", "atomic number Z", ("atomic number", "number")),
            Prop("group", "string", "rare earth element | related critical mineral | group"),
            Prop(
                "classification",
                "string",
                "light | heavy | neither (USGS atomic-number rule)",
                ("classification", "classified", "class"),
            ),
            Prop("classification_as_stated", "string", "classification text as the source gives it"),
            Prop("china_export_control_status", "string", "China's export-control status as stated"),
            Prop("usgs_commodity", "string", "the commodity as the USGS MCS data release names it"),
            Prop("usgs_chapter", "string", "the MCS chapter the commodity's data come from"),
            Prop(
                "critical_mineral_2025", "bool", "on the 2025 US critical minerals list, as the data release flags it"
            ),
            Prop("usgs_notes", "string", "the chapter's table note: default unit, content basis, caveats"),
        ),
        ("mineral", "minerals", "element", "elements", "metal", "metals"),
        "#f28e2b",
    ),
    NodeType(
        "Company",
        "name",
        "A company or state-owned enterprise in the supply chain (miner, separator, magnet maker, customer).",
        COMMON
        + (
            Prop("ownership_type", "string", "listed, private, state-owned... as stated", ("ownership",)),
            Prop("hq_city", "string", "headquarters city as stated", ("city",)),
            Prop("key_figures", "string", "capacity and output figures as stated", ("capacity", "figures")),
            Prop("kind", "string", "role for companies named in facts: customer, supplier, investor, partner..."),
        ),
        ("company", "companies", "firm", "firms", "producer", "producers", "miner", "miners"),
        "#59a14f",
    ),
    NodeType(
        "Organization",
        "name",
        "A government department, agency or international body (Department of War, MOFCOM, IEA).",
        COMMON + (Prop("kind", "string", "government agency | international organisation"),),
        (
            "agency",
            "agencies",
            "department",
            "departments",
            "organization",
            "organisation",
            "organizations",
            "organisations",
            "body",
            "bodies",
        ),
        "#76b7b2",
    ),
    NodeType(
        "Facility",
        "name",
        "A mine, separation/refining plant, magnet plant or recycling site.",
        COMMON
        + (
            Prop("kind", "string", "mine | separation plant | refinery | magnet plant | recycling | project"),
            Prop("location", "string", "location as stated", ("location",)),
            Prop("description", "string", "what the source says about it"),
            Prop("status", "string", "planned, when the source says so"),
        ),
        ("facility", "facilities", "mine", "mines", "plant", "plants", "refinery", "refineries", "site"),
        "#edc948",
    ),
    NodeType(
        "Stage",
        "name",
        "A supply-chain stage a company works in (mining, separation/refining, magnet making...).",
        COMMON,
        ("stage", "stages"),
        "#b07aa1",
    ),
    NodeType(
        "Official",
        "name",
        "A person: a government official or a company executive, with offices held over time.",
        COMMON
        + (
            Prop("person_type", "string", "government | company"),
            Prop("country", "string", "country the person serves or is based in"),
            Prop("notes", "string", "notes as stated"),
        ),
        ("official", "officials", "person", "people", "leader", "leaders", "executive", "executives"),
        "#e15759",
    ),
    NodeType(
        "Policy",
        "policy_id",
        "An export control, tariff, agreement, investment, loan or regulation.",
        COMMON
        + (
            Prop("policy_id", "string", "dataset id (P01...) or a derived id"),
            Prop("policy_type", "string", "type as stated (export licensing, tariff, MoU...)", ("type",)),
            Prop(
                "category",
                "string",
                "export_control | tariff | agreement | investment | regulation | suspension | proposal | other",
            ),
            Prop("date_announced", "date", "ISO date (or year/month) announced", ("announced", "date")),
            Prop("date_effective", "date", "ISO date it took effect", ("effective",)),
            Prop("date_text", "string", "announced date as stated"),
            Prop("effective_text", "string", "effective date as stated"),
            Prop("enacting_body", "string", "body that enacted it"),
            Prop("scope", "string", "destinations or parties it applies to, as stated"),
            Prop("minerals_text", "string", "covered minerals as stated"),
            Prop("description", "string", "what it does"),
            Prop(
                "status", "string", "in_force | suspended | signed | announced | proposed | historical...", ("status",)
            ),
            Prop("status_text", "string", "status as stated"),
            Prop("suspended_until", "date", "end of a suspension, if suspended"),
        ),
        (
            "policy",
            "policies",
            "measure",
            "measures",
            "control",
            "controls",
            "agreement",
            "agreements",
            "tariff",
            "tariffs",
            "deal",
            "deals",
        ),
        "#ff9da7",
    ),
    NodeType(
        "Event",
        "event_id",
        "A dated call, meeting, negotiation round, summit or signing.",
        COMMON
        + (
            Prop("event_id", "string", "dataset id (E01...) or a derived id"),
            Prop("event_type", "string", "phone call, meeting, summit...", ("type",)),
            Prop("date", "date", "ISO date of (the first day of) the event", ("date", "when")),
            Prop("end_date", "date", "ISO date of the last day, for multi-day events"),
            Prop("location", "string", "where it took place", ("where", "location")),
            Prop("duration", "string", "how long, as stated", ("duration", "how long")),
            Prop("duration_minutes", "int", "the first length stated in `duration`, in minutes"),
            Prop("topics", "string", "topics discussed", ("topics",)),
            Prop("description", "string", "what happened"),
            Prop("date_confidence", "string", "high | medium, as the dataset rates the date"),
            Prop("date_text", "string", "the date as an article states it ('on Thursday')"),
        ),
        ("event", "events", "meeting", "meetings", "call", "calls", "talks", "summit", "summits"),
        "#9c755f",
    ),
    NodeType(
        "Application",
        "name",
        "An end use of a mineral (permanent magnets, EV motors, lasers, phosphors...).",
        COMMON,
        ("application", "applications", "use", "uses", "end use"),
        "#bab0ac",
    ),
    NodeType(
        "Source",
        "id",
        "A document a fact came from: a report, a news story, a filing, an ingested article.",
        (
            Prop("id", "string", "stable id derived from the title and URL"),
            Prop("title", "string", "title or citation as given"),
            Prop("url", "string", "address of the copy read"),
            Prop("urls", "list", "all addresses given"),
            Prop("date", "date", "publication date (ISO, as precise as known)"),
            Prop("kind", "string", "dataset | article"),
            Prop("text", "string", "the full text of an ingested article"),
            Prop("name", "string", "display name"),
        ),
        ("source", "sources", "document", "documents", "article", "articles"),
        "#d4a6c8",
    ),
    NodeType(
        "Sentence",
        "id",
        "A sentence of an ingested article, under a full-text index, for answers quoted from the text.",
        (
            Prop("id", "string", "the Source id, '#', the sentence's position"),
            Prop("text", "string", "the sentence as written"),
            Prop("position", "int", "0-based position in the article"),
            Prop("source_id", "string", "id of the article (Source) it belongs to"),
        ),
        (),
        "#cccccc",
    ),
)

OBS = (
    Prop("year", "int", "year the figure is for"),
    Prop("edition", "string", "USGS edition (MCS 2025, MCS 2026) or other publication"),
    Prop("metric", "string", "mine_production, reserves, mining_quota, share_of_global_mining..."),
    Prop("value", "float", "numeric value (lower bound for '>N', low end for ranges)"),
    Prop("value_text", "string", "value as stated when not a plain number ('>75,000,000', 'NA', 'W')"),
    Prop("unit", "string", "metric tons, kilograms, percent..."),
    Prop("basis", "string", "REO equivalent, content..."),
    Prop("estimated", "bool", "the source marks the value as estimated"),
    Prop("latest", "bool", "true for the newest edition's figure of this country, mineral, metric and year"),
    Prop("notes", "string", "notes as stated"),
    Prop("commodity", "string", "commodity as the source names it (e.g. 'Gallium (primary low-purity)')"),
    Prop("year_text", "string", "year as stated when not a plain year ('as stated Oct 23 2025')"),
    Prop("statistic", "string", "the data release's statistic (Production, Net import reliance, Price...)"),
    Prop("detail", "string", "the statistic's detail when one statistic has several for a year (Usable ore...)"),
    Prop(
        "statistic_detail", "string", "the data release's detail text (also of a headline figure, whose detail is '')"
    ),
    Prop("section", "string", "the chapter section (World Mine Production and Reserves, Salient Statistics...)"),
    Prop("value_max", "float", "upper bound: N of '<N', the high end of a range"),
    Prop("value_kind", "string", "number | zero | lower_bound | upper_bound | range | code | text"),
    Prop("value_meaning", "string", "what a code means (W withheld, NA not available, E net exporter...)"),
    Prop("rounded", "bool", "the release marks the figure as rounded (world totals)"),
    Prop("release_value_text", "string", "the data release's value where it differs from the curated one"),
) + REL_COMMON

RELS: tuple[RelType, ...] = (
    RelType(
        "PRODUCES",
        ("Country",),
        ("Mineral",),
        "Mine (or primary) production of a mineral by a country in a year, per edition.",
        OBS,
        (
            "produce",
            "produced",
            "produces",
            "producing",
            "production",
            "producer",
            "producers",
            "mine",
            "mined",
            "mines",
            "mining",
            "miner",
            "miners",
            "output",
            "extract",
            "extracted",
            "extraction",
        ),
    ),
    RelType(
        "HAS_RESERVES",
        ("Country",),
        ("Mineral",),
        "A country's reserves of a mineral, per edition.",
        OBS,
        ("reserves", "reserve", "deposits"),
    ),
    RelType(
        "HAS_METRIC",
        ("Country",),
        ("Mineral",),
        "Other sourced statistics: quotas, shares of global output, import reliance, capacity.",
        OBS,
        (
            "quota",
            "quotas",
            "share",
            "percent",
            "percentage",
            "reliance",
            "reliant",
            "dependence",
            "dependent",
            "rely",
            "relies",
            "capacity",
            "import",
            "imports",
        ),
    ),
    RelType(
        "IMPORTS_FROM",
        ("Country",),
        ("Country",),
        "A source of a country's imports of a mineral, as its share of the imports over a period (USGS import sources).",
        (
            Prop("mineral", "string", "the Mineral (name) imported"),
            Prop("share", "float", "percent of the imports (lower bound for '>N')"),
            Prop("period", "string", "the period the share covers, as stated ('2021–24')"),
        )
        + OBS,
        (
            "import",
            "imports",
            "imported",
            "importing",
            "importer",
            "source",
            "sources",
            "sourced",
            "sourcing",
            "supplier",
            "suppliers",
            "supplies",
            "supply",
            "sells",
            "origin",
        ),
    ),
    RelType(
        "FORM_OF",
        ("Mineral",),
        ("Mineral",),
        "A form or product of an element as a USGS commodity (Titanium sponge metal FORM_OF Titanium).",
        REL_COMMON,
        ("form", "forms"),
    ),
    RelType(
        "MEMBER_OF",
        ("Mineral",),
        ("Mineral",),
        "An element belongs to a group (Dysprosium MEMBER_OF Rare earths).",
        REL_COMMON,
    ),
    RelType(
        "USED_IN",
        ("Mineral",),
        ("Application",),
        "A mineral is used in an application.",
        (Prop("detail", "string", "the use as the source states it"),) + REL_COMMON,
        ("used", "use", "uses", "usage", "application", "applications", "needed", "need", "applied"),
    ),
    RelType(
        "HEADQUARTERED_IN",
        ("Company", "Organization"),
        ("Country",),
        "Where a company is headquartered.",
        (Prop("city", "string", "city as stated"),) + REL_COMMON,
        ("headquartered", "headquarters", "based", "hq", "located", "home"),
    ),
    RelType(
        "PART_OF",
        ("Organization",),
        ("Country",),
        "A government body belongs to a country's government.",
        REL_COMMON,
    ),
    RelType(
        "ACTIVE_IN",
        ("Company",),
        ("Stage",),
        "A company works in a supply-chain stage.",
        (Prop("detail", "string", "stage text as stated"),) + REL_COMMON,
        (
            "make",
            "makes",
            "produce",
            "process",
            "separate",
            "refine",
            "recycle",
            "maker",
            "makers",
            "manufacture",
            "manufacturer",
            "manufacturers",
            "active",
            "work",
            "works",
            "working",
            "involved",
            "stage",
            "stages",
        ),
    ),
    RelType(
        "OPERATES",
        ("Company",),
        ("Facility",),
        "A company operates or develops a facility.",
        REL_COMMON,
        (
            "operates",
            "operate",
            "operated",
            "operating",
            "operator",
            "runs",
            "owns",
            "develops",
            "developing",
            "developed",
            "developer",
            "facility",
            "facilities",
            "plant",
            "plants",
            "mine",
            "mines",
            "refinery",
            "refineries",
            "site",
            "sites",
            "assets",
            "project",
            "projects",
        ),
    ),
    RelType(
        "LOCATED_IN",
        ("Facility",),
        ("Country",),
        "Where a facility is.",
        REL_COMMON,
        ("located", "in", "location", "built", "build", "building", "constructed", "construction", "sited", "where"),
    ),
    RelType(
        "SUPPLIES",
        ("Company", "Country", "Organization"),
        ("Company", "Country", "Organization"),
        "Supply, sale or offtake of material or products from one party to another.",
        (
            Prop("detail", "string", "the deal as stated"),
            Prop("minerals", "list", "the minerals the deal covers", ("minerals",)),
        )
        + DEAL
        + REL_COMMON,
        (
            "supply",
            "supplies",
            "supplied",
            "supplier",
            "suppliers",
            "customer",
            "customers",
            "buys",
            "buy",
            "bought",
            "buyer",
            "sells",
            "sell",
            "sold",
            "offtake",
            "offtakes",
            "client",
            "clients",
        ),
        inverse=(
            "buys",
            "buy",
            "bought",
            "buyer",
            "buyers",
            "customer",
            "customers",
            "client",
            "clients",
            "offtake",
            "offtakes",
        ),
    ),
    RelType(
        "INVESTS_IN",
        ("Company", "Country", "Organization"),
        ("Company",),
        "Equity, loans, grants or financing from one party to a company.",
        (
            Prop("detail", "string", "the financing as stated"),
            Prop("amount", "float", "the sum, in units of its currency", ("amount", "how much")),
            Prop("currency", "string", "ISO currency code of the amount (USD, AUD...)"),
            Prop("amount_text", "string", "the sum as stated ('$50 million')"),
            Prop("kind", "string", "loan | grant | equity | stake, as stated"),
            Prop("place", "string", "where the financed plant or project is, as stated"),
        )
        + DEAL
        + REL_COMMON,
        (
            "invest",
            "invested",
            "invests",
            "investment",
            "investments",
            "investor",
            "investors",
            "funded",
            "funds",
            "fund",
            "financed",
            "finance",
            "financing",
            "loan",
            "loans",
            "lent",
            "stake",
            "backed",
            "backing",
            "backer",
            "backers",
            "lend",
            "lends",
            "lending",
            "lender",
            "lenders",
            "money",
            "grant",
            "grants",
            "equity",
        ),
    ),
    RelType(
        "PARTNERS_WITH",
        ("Company", "Organization"),
        ("Company", "Organization"),
        "A joint venture or partnership.",
        (
            Prop("detail", "string", "the partnership as stated"),
            Prop("place", "string", "where the joint venture's plant or project is, as stated"),
        )
        + DEAL
        + REL_COMMON,
        ("partner", "partners", "partnered", "partnership", "joint venture", "venture", "jv", "partnering"),
        symmetric=True,
    ),
    RelType(
        "HOLDS_OFFICE",
        ("Official",),
        ("Country", "Company", "Organization"),
        "A person holds (or held) an office in a government or company, with validity dates.",
        (
            Prop("role", "string", "office as stated"),
            Prop("start_date", "date", "ISO date the office began (as precise as known)"),
            Prop("end_date", "date", "ISO date it ended; absent while in office"),
            Prop("start_text", "string", "start as stated"),
            Prop("end_text", "string", "end as stated"),
            Prop("confidence", "float", "the extractor's confidence when the office came from an article"),
        )
        + REL_COMMON,
        (
            "is",
            "was",
            "serves",
            "heads",
            "leads",
            "runs",
            "charge",
            "ceo",
            "chief",
            "executive",
            "president",
            "prime",
            "minister",
            "secretary",
            "chairman",
            "chair",
            "premier",
            "representative",
            "director",
            "head",
            "leader",
            "founder",
            "chancellor",
            "governor",
            "pm",
            "md",
            "managing",
            "boss",
            "led",
            "role",
            "office",
            "position",
            "job",
            "held",
            "hold",
            "holds",
            "post",
            "posts",
            "served",
            "serving",
            "sworn",
            "work",
            "works",
            "worked",
            "employed",
            "employer",
            "appointed",
            "named",
            "cabinet",
        ),
    ),
    RelType(
        "ENACTED",
        ("Country", "Organization", "Company"),
        ("Policy",),
        "A government (or party) enacted or signed a policy.",
        REL_COMMON,
        (
            "enacted",
            "enact",
            "imposed",
            "impose",
            "announced",
            "announce",
            "signed",
            "introduced",
            "put",
            "placed",
            "issued",
            "adopted",
            "took",
            "take",
            "start",
            "started",
            "require",
            "required",
            "requiring",
            "agree",
            "agreed",
            "secure",
            "secured",
            "close",
            "closed",
            "reach",
            "reached",
            "strike",
            "struck",
            "conclude",
            "concluded",
            "set",
        ),
    ),
    RelType(
        "TARGETS",
        ("Policy",),
        ("Country", "Company"),
        "The destination or counterpart a policy is aimed at.",
        REL_COMMON,
        (
            "on",
            "against",
            "to",
            "targeting",
            "target",
            "targets",
            "targeted",
            "aimed",
            "goods",
            "products",
            "shipments",
        ),
    ),
    RelType(
        "COVERS",
        ("Policy",),
        ("Mineral",),
        "A mineral covered by a policy.",
        REL_COMMON,
        (
            "covers",
            "covered",
            "cover",
            "covering",
            "on",
            "restricts",
            "restrict",
            "restricted",
            "controls",
            "add",
            "added",
            "adds",
            "include",
            "included",
            "includes",
            "concern",
            "concerns",
            "concerning",
            "regarding",
            "affect",
            "affects",
            "affecting",
            "apply",
            "applies",
            "involving",
        ),
    ),
    RelType(
        "INVOLVES",
        ("Policy",),
        ("Company", "Organization"),
        "A company or agency party to or benefiting from a policy.",
        REL_COMMON,
    ),
    RelType(
        "PARTICIPATED_IN",
        ("Official", "Company", "Organization", "Country"),
        ("Event",),
        "A person, company or country took part in an event.",
        (Prop("note", "string", "participation detail as stated (e.g. 'Jun 6, scheduled')"),) + REL_COMMON,
        (
            "met",
            "meet",
            "meeting",
            "meetings",
            "spoke",
            "speak",
            "called",
            "call",
            "calls",
            "phoned",
            "phone",
            "talk",
            "talks",
            "talked",
            "summit",
            "summits",
            "visit",
            "visited",
            "negotiated",
            "negotiation",
            "negotiations",
            "discussed",
            "sign",
            "signed",
            "signing",
            "attended",
            "attend",
            "participated",
            "participants",
            "joined",
            "delegation",
            "scheduled",
            "held",
            "hosted",
            "host",
            "hosts",
            "took",
            "place",
            "part",
            "participate",
            "participating",
            "participant",
            "take",
            "taking",
        ),
    ),
    RelType(
        "RESULTED_IN",
        ("Event",),
        ("Policy",),
        "An event at which a policy was signed or agreed.",
        REL_COMMON,
    ),
    RelType(
        "HAS_SENTENCE",
        ("Source",),
        ("Sentence",),
        "An ingested article's sentence.",
    ),
    RelType(
        "MENTIONS",
        ("Source", "Sentence"),
        ("Country", "Mineral", "Company", "Organization", "Facility", "Official", "Policy", "Event", "Application"),
        "An ingested article mentions an entity.",
        (Prop("sentence", "string", "first sentence that mentions it"),),
        (
            "mention",
            "mentions",
            "mentioned",
            "cite",
            "cites",
            "cited",
            "article",
            "articles",
            "news",
            "report",
            "reports",
        ),
    ),
)

# Properties that tell two relationships of one type between the same nodes apart.
REL_IDENTITY = {
    "PRODUCES": ("metric", "year", "edition", "detail"),
    "HAS_RESERVES": ("metric", "year", "edition", "detail"),
    "HAS_METRIC": ("metric", "year", "edition", "detail"),
    "IMPORTS_FROM": ("mineral", "detail", "period", "edition"),
    "HOLDS_OFFICE": ("role",),
}

NODE_BY_LABEL = {n.label: n for n in NODES}
REL_BY_TYPE = {r.type: r for r in RELS}
LABELS = tuple(NODE_BY_LABEL)
REL_TYPES = tuple(REL_BY_TYPE)
ENTITY_LABELS = tuple(label for label in LABELS if label not in ("Source", "Sentence"))


def key_of(label: str) -> str:
    """The property that identifies a node of this label (unique constraint)."""
    return NODE_BY_LABEL[label].key


def rel_allowed(rel_type: str, start: str, end: str) -> bool:
    """Whether the ontology allows (start)-[rel_type]->(end)."""
    rel = REL_BY_TYPE.get(rel_type)
    return bool(rel and start in rel.start and end in rel.end)


def format_for_prompt(focus: set[str] | None = None) -> str:
    """The schema as compact text for an LLM prompt; with `focus`, only those labels and the relationship types
    around them (a schema slice per question helps smaller models)."""
    if focus:
        rels = [r for r in RELS if set(r.start) & focus or set(r.end) & focus]
        labels = focus | {x for r in rels for x in (*r.start, *r.end)} | {"Source"}
    else:
        rels, labels = list(RELS), set(LABELS)
    lines = ["Node labels (key property first):"]
    for n in NODES:
        if n.label not in labels:
            continue
        props = ", ".join(f"{p.name}:{p.type}" for p in n.props if p.name != "sources")
        lines.append(f"- {n.label} (key {n.key}): {n.description} Properties: {props}")
    lines.append("Relationship types:")
    for r in rels:
        props = ", ".join(f"{p.name}:{p.type}" for p in r.props if p.name != "sources")
        ends = f"(:{'|'.join(r.start)})-[:{r.type}]->(:{'|'.join(r.end)})"
        lines.append(f"- {ends}: {r.description}" + (f" Properties: {props}" if props else ""))
    lines.append("Every node and relationship has `sources`: a list of Source ids (match (s:Source {id: x})).")
    return "\n".join(lines)
