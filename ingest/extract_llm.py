"""The LLM article extractor: LangChain structured output constrained to the ontology.

Used when an LLM is configured (`settings.llm_configured`). The model returns entities, policies,
events and relationships whose labels and relationship types are Literal enums built from
`graph.ontology`, so it cannot invent a label; names are then resolved against the graph exactly
as the offline extractor's are, and the same `Extraction` goes through the same resolution,
provenance and dry run. LangChain is imported lazily (only here, only when called), and no
LangChain token counting is used.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from graph.ontology import ENTITY_LABELS, RELS, format_for_prompt, rel_allowed
from graph.resolve import resolve_org
from ingest.extract import (
    Context,
    Extraction,
    _add_new,
    _place,
    _strip_modifiers,
    canonical_company,
    mentions,
    sentence_date,
    split_sentences,
)

MODEL_CONFIDENCE = 0.85  # a model's relationship whose two ends its sentence names
UNSUPPORTED = 0.5  # one end is not in the sentence the model quotes: a candidate for review

NAMED_LABELS = tuple(label for label in ENTITY_LABELS if label not in ("Policy", "Event"))
EXTRACTED_RELS = tuple(r.type for r in RELS if r.type not in ("MENTIONS", "PRODUCES", "HAS_RESERVES", "HAS_METRIC"))
CATEGORIES = ("export_control", "tariff", "agreement", "investment", "regulation", "other")
NEW_LABELS = ("Company", "Official", "Organization", "Facility", "Application")

SYSTEM = """You extract facts for a rare-earth supply-chain knowledge graph from one news article.
Use only these node labels and relationship types (the schema below); never invent others.
{schema}

Rules:
- Entities: every company, government body, person, country, mineral, facility or application the article names,
  with the fullest name the article gives ("Donald Trump", not "Trump"). Capitals stand for governments
  ("Tokyo" = Japan, "Washington" = United States).
- Policies: export controls (category export_control, enacting = the restricting country, minerals covered,
  targets = destination countries), agreements and supply deals (category agreement), and proposals or offers one
  country makes to another (policy_type "proposal", category "agreement", status "proposed", enacting = proposer,
  targets = counterpart). "rare earths" as a group is the mineral "Rare earths".
- Events: calls, meetings, summits with their participants (people), type, duration as stated ("25 minutes") and
  an ISO date resolved against the article date {date}: "on Thursday" in past tense is the latest Thursday on or
  before it; a scheduled "on Friday" is the next Friday on or after it; "in April" is April of that year.
  scheduled = true when the event had not happened yet ("is scheduled to meet").
- Relationships: only between entities you listed, or policies/events by their local id (p1, e1...). Offices held:
  HOLDS_OFFICE with role as stated. Participation in events: PARTICIPATED_IN from each participant to the event.
- sentence: copy the article's sentence that states the fact, verbatim.
"""


def _models():  # noqa: ANN202 - pydantic classes built on demand
    from pydantic import BaseModel, Field

    Label = Literal[NAMED_LABELS]  # type: ignore[valid-type]
    RelType = Literal[EXTRACTED_RELS]  # type: ignore[valid-type]
    Category = Literal[CATEGORIES]  # type: ignore[valid-type]

    class EntityOut(BaseModel):
        label: Label
        name: str
        country: str | None = Field(None, description="for people: the country they serve; for companies: HQ country")
        city: str | None = Field(None, description="headquarters city, if stated")

    class PolicyOut(BaseModel):
        id: str = Field(description="local id: p1, p2...")
        category: Category
        policy_type: str = Field(description="export restriction, proposal, supply agreement, MoU...")
        status: str | None = None
        enacting: str = Field(description="name of the country, agency or company that enacts or proposes it")
        targets: list[str] = Field(default_factory=list)
        minerals: list[str] = Field(default_factory=list)
        date: str | None = Field(None, description="ISO date or year-month, resolved against the article date")
        sentence: str

    class EventOut(BaseModel):
        id: str = Field(description="local id: e1, e2...")
        event_type: str = Field(description="phone call, meeting, summit...")
        participants: list[str]
        date: str | None = None
        duration: str | None = None
        location: str | None = None
        scheduled: bool = False
        sentence: str

    class RelOut(BaseModel):
        type: RelType
        start: str = Field(description="entity name, or a policy/event local id")
        end: str
        role: str | None = Field(None, description="HOLDS_OFFICE: the office as stated")
        detail: str | None = None
        sentence: str

    class ArticleFacts(BaseModel):
        """Entities, policies, events and relationships stated in the article."""

        entities: list[EntityOut] = Field(default_factory=list)
        policies: list[PolicyOut] = Field(default_factory=list)
        events: list[EventOut] = Field(default_factory=list)
        relationships: list[RelOut] = Field(default_factory=list)

    return ArticleFacts


def call_model(body: str, date: str | None, settings: Any) -> Any:
    """One structured-output call through LangChain's ChatOpenAI (imported here, not at module import)."""
    from graph.llm_client import chat_model

    facts_model = _models()
    llm = chat_model(settings, timeout=120)
    chain = llm.with_structured_output(facts_model, method="function_calling")
    system = SYSTEM.format(schema=format_for_prompt(), date=date or "unknown")
    return chain.invoke([("system", system), ("human", f"Article date: {date or 'unknown'}\n\n{body}")])


def extract_llm(ctx: Context, body: str, settings: Any) -> Extraction:
    facts = call_model(body, ctx.date, settings)
    return to_extraction(ctx, body, facts)


def to_extraction(ctx: Context, body: str, facts: Any) -> Extraction:
    """The model's answer as an Extraction in the graph's names (unknown people and companies become new)."""
    ex = Extraction()
    sentences = split_sentences(body)

    def sentence_of(name: str, fallback: str = "") -> str:
        low = name.lower()
        return next((s for s in sentences if low in s.lower()), fallback or (sentences[0] if sentences else ""))

    refs: dict[str, tuple[str, str]] = {}
    labels_of: dict[str, str] = {e.name: e.label for e in facts.entities}

    def resolve(name: str, labels: tuple[str, ...] | None = None, sentence: str = "") -> tuple[str, str] | None:
        name = (name or "").strip()
        if not name:
            return None
        if name in refs:
            return refs[name]
        want = labels or ((labels_of[name],) if name in labels_of else None)
        org_like = want is None or any(x in ("Company", "Organization") for x in want)
        bare = _strip_modifiers(name) if org_like else name  # "Denver-based Aurora" is Aurora
        ent = (resolve_org(ctx.index, bare) if org_like else None) or ctx.index.resolve(bare, want, fuzzy=True)
        ent = ent or ctx.index.resolve(bare, None)
        if ent is not None:
            ent_ref = ex.ent(ent.label, ent.name, sentence or sentence_of(name))
        elif country := ctx.capitals.get(name.lower()):
            ent_ref = ex.ent("Country", country, sentence or sentence_of(name))
        else:
            label = labels_of.get(name) or (want[0] if want else None)
            if label not in NEW_LABELS:
                return None  # an unknown country, mineral or stage is more likely a model slip than news
            canon, aliases = canonical_company(bare) if label == "Company" else (bare, [])
            _add_new(ctx, label, canon, aliases)  # later mentions of it resolve to this one entity
            ent_ref = ex.ent(label, canon, sentence or sentence_of(name), known=False, aliases=aliases or None)
        refs[name] = ent_ref
        return ent_ref

    for e in facts.entities:
        ref = resolve(e.name, (e.label,))
        if ref and ref in ex.entities and not ex.entities[ref].known:
            if e.label == "Official" and e.country:
                ex.entities[ref].props.setdefault("country", e.country)
            if e.label == "Company" and e.city:
                ex.entities[ref].props.setdefault("hq_city", e.city)
                country, _ = _place(ctx, e.city)
                if country and not e.country:
                    ex.ent("Country", country, sentence_of(e.name))
                    ex.rel("HEADQUARTERED_IN", ref, ("Country", country), sentence_of(e.name), 0.8, city=e.city)
    for s in sentences:  # known entities the model did not list still get MENTIONS
        for m in mentions(ctx, s):
            ex.ent(m.label, m.name, s)

    local: dict[str, tuple[str, str]] = {}
    for p in facts.policies:
        enacting = resolve(p.enacting, ("Country", "Organization", "Company"), p.sentence)
        if enacting is None:
            continue
        minerals = [r for r in (resolve(m, ("Mineral",), p.sentence) for m in p.minerals) if r]
        date = p.date if p.date and re.fullmatch(r"\d{4}(-\d{2}){0,2}", p.date) else None
        if not date:
            date = sentence_date(p.sentence, ctx.date)[0]
        lid = f"policy:{len(ex.policies) + 1}"
        proposal = "propos" in p.policy_type.lower()
        ex.policies[lid] = {
            "category": p.category,
            "policy_type": p.policy_type,
            "status": p.status or ("proposed" if proposal else None),
            "date_announced": date,
            "description": p.sentence,
            "enacting": enacting,
            "minerals": minerals,
            "name": f"{enacting[1]} {p.policy_type}" + (f" ({date})" if date else ""),
        }
        local[p.id] = ("Policy", lid)
        ex.rel("ENACTED", enacting, ("Policy", lid), p.sentence)
        for t in p.targets:
            if (ref := resolve(t, ("Country", "Company"), p.sentence)) and ref != enacting:
                ex.policies[lid].setdefault("scope", ref[1])
                ex.rel("TARGETS", ("Policy", lid), ref, p.sentence)
        for mineral in minerals:
            ex.rel("COVERS", ("Policy", lid), mineral, p.sentence)
    for e in facts.events:
        people = [
            r for r in (resolve(n, ("Official", "Company", "Organization"), e.sentence) for n in e.participants) if r
        ]
        date = e.date if e.date and re.fullmatch(r"\d{4}(-\d{2}){0,2}", e.date) else None
        if not date:
            date = sentence_date(e.sentence, ctx.date, future=e.scheduled)[0]
        lid = f"event:{len(ex.events) + 1}"
        ex.events[lid] = {
            "event_type": e.event_type,
            "date": date,
            "duration": e.duration,
            "description": e.sentence,
            "participants": [p for p in people if p[0] != "Country"],
            "scheduled": e.scheduled,
            "location": e.location,
        }
        local[e.id] = ("Event", lid)
        for p in people:
            ex.rel("PARTICIPATED_IN", p, ("Event", lid), e.sentence, note="scheduled" if e.scheduled else None)
    for r in facts.relationships:
        start = local.get(r.start) or resolve(r.start, sentence=r.sentence)
        end = local.get(r.end) or resolve(r.end, sentence=r.sentence)
        if start is None or end is None or not rel_allowed(r.type, start[0], end[0]):
            continue
        note = "scheduled" if r.type == "PARTICIPATED_IN" and end[0] == "Event" and _scheduled(ex, end) else None
        conf = MODEL_CONFIDENCE if _stated(r.sentence, r.start, r.end, body) else UNSUPPORTED
        ex.rel(r.type, start, end, r.sentence, conf, role=r.role, detail=r.detail, note=note)
    return ex


def _stated(sentence: str, start: str, end: str, body: str) -> bool:
    """Precision first: the quoted sentence is in the article and names both ends (or they are local ids)."""
    if not sentence or sentence[:40] not in body:
        return False
    low = sentence.lower()

    def named(x: str) -> bool:
        x = x.strip()
        if re.fullmatch(r"[pe]\d+", x):
            return True
        parts = [w for w in re.findall(r"[a-z0-9]+", x.lower()) if len(w) > 2]
        return any(w in low for w in parts) if parts else x.lower() in low

    return named(start) and named(end)


def _scheduled(ex: Extraction, event: tuple[str, str]) -> bool:
    return bool(ex.events.get(event[1], {}).get("scheduled"))
