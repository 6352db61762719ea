"""How a question was read, in plain words: the `interpretation` line every answer carries.

An intent may write its own reading (`Translation.interpretation`); otherwise it is put together
here from what the reading uses: what it looks for, the entities it is anchored on, the period,
and the modifiers (excluding, ranked, counted).
"""

from __future__ import annotations

from typing import Any

from graph.ontology import REL_BY_TYPE
from qa.types import Translation

WHAT = {
    "activities": "the supply-chain stages of {e}",
    "activity": "what {e} does",
    "articles_about": "the articles that mention {e}",
    "attribute": "an attribute of {e}",
    "attribute_reverse": "the entity with this attribute value",
    "classification_of": "the classification of {e}",
    "classified": "minerals by classification",
    "companies_operating_in": "companies operating facilities in {e}",
    "company_count": "the number of companies",
    "company_hq": "where {e} is headquartered",
    "company_list": "companies",
    "company_relations": "supply, investment and partnership links of {e}",
    "count_label": "how many there are",
    "describe": "what the graph records about {e}",
    "event_count": "the number of events",
    "event_list": "events",
    "event_when": "when the event took place",
    "event_who": "who took part in the event",
    "facilities_in": "facilities in {e}",
    "facilities_of": "facilities of {e}",
    "facility": "the facility {e}",
    "most": "the entity with the most links",
    "neighbours": "what {e} is directly linked to",
    "office_holder": "who holds the office",
    "offices_of": "the offices {e} holds",
    "path": "how {e} are connected",
    "policy_count": "the number of policies",
    "policy_countries": "the countries these policies involve",
    "policy_list": "policies",
    "policy_minerals": "the minerals these policies cover",
    "policy_minerals_not": "the rare earths no such policy covers",
    "policy_status": "the status of the policy",
    "policy_when": "when the policy was announced",
    "production_count": "how many countries",
    "production_rank": "the country ranking",
    "production_share": "a share of world output",
    "production_value": "the figures",
    "sources_of": "the sources on {e}",
    "used_in": "minerals by their uses",
    "uses_of": "the uses of {e}",
    "pattern": "{e}",
}


def describe(t: Translation, f: Any) -> str:
    """One line: 'policies — anchored on China, Holmium; in 2025-10'."""
    names = _anchors(t, f)
    what = WHAT.get(t.intent, t.intent.replace("_", " "))
    head = what.format(e=" and ".join(names) if names else "the question's entities")
    bits = []
    if "{e}" not in what and names:
        bits.append("for " + ", ".join(names))
    rels = [REL_BY_TYPE[r].description.split(":")[0].rstrip(".").lower() for r in _rel_types(t) if r in REL_BY_TYPE]
    if rels and t.intent not in ("path", "neighbours"):
        bits.append("via " + "; ".join(dict.fromkeys(rels[:2])))
    if (
        f.time
        and f.time.prefix
        and any(str(v).startswith(f.time.prefix) or v == f.time.year for v in _values(t.params))
    ):
        bits.append(f"in {f.time.prefix}")
    if f.outside:
        bits.append("excluding " + ", ".join(f.outside))
    text = head[:1].upper() + head[1:]
    return text + (" (" + "; ".join(bits) + ")" if bits else "")


def _values(params: dict[str, Any]) -> list[Any]:
    out: list[Any] = []
    for v in params.values():
        out.extend(v if isinstance(v, (list, tuple)) else [v])
    return out


def _anchors(t: Translation, f: Any) -> list[str]:
    vals = {str(v).lower() for v in _values(t.params)}
    return list(dict.fromkeys(m.entity.name for m in f.mentions if m.entity.name.lower() in vals))


def _rel_types(t: Translation) -> list[str]:
    import re

    return [m for m in re.findall(r"\[[a-z0-9_]*:([A-Z_|]+)", t.cypher) for m in m.split("|")]
