"""The translator's intents: each claims the question frames it can answer and builds parameterised Cypher.

The order matters only for ties: the highest confidence wins (qa/rules.py).
"""

from __future__ import annotations

from qa.intents.companies import intent_activities, intent_company, intent_company_relations
from qa.intents.entities import (
    intent_activity,
    intent_attribute,
    intent_classified,
    intent_count_label,
    intent_describe,
    intent_neighbours,
    intent_path,
    intent_sources,
    intent_uses,
)
from qa.intents.pattern import intent_pattern
from qa.intents.people import intent_event, intent_office, intent_office_dates
from qa.intents.policies import intent_policy
from qa.intents.statistics import intent_most, intent_production
from qa.intents.supply import intent_supply
from qa.intents.text import intent_text

INTENTS = [
    intent_sources,
    intent_activity,
    intent_most,
    intent_neighbours,
    intent_activities,
    intent_count_label,
    intent_attribute,
    intent_classified,
    intent_production,
    intent_supply,
    intent_policy,
    intent_office,
    intent_office_dates,
    intent_company,
    intent_company_relations,
    intent_event,
    intent_uses,
    intent_path,
    intent_describe,
    intent_pattern,
    intent_text,
]
