"""Controlled vocabularies for turning stated text into shared nodes and categories.

Applications and supply-chain stages become shared nodes ("Permanent magnets", "magnet making")
so that questions across minerals and companies meet at one node; policy types and statuses are
normalised into categories the translator can filter on, while the stated text is kept too.
"""

from __future__ import annotations

import re

from graph.text import parse_date

# canonical name -> regular expression over the stated text
APPLICATIONS: dict[str, str] = {
    "Permanent magnets": r"magnet",
    "EV motors": r"\bEV\b|electric vehicle|traction motor|hybrid|electric car",
    "Wind turbines": r"wind turbine",
    "Lasers": r"laser",
    "Phosphors": r"phosphor",
    "Catalysts": r"catalys|catalytic|cracking",
    "Batteries": r"batter",
    "Semiconductors": r"semiconductor|chip",
    "Optical glass and lenses": r"optical glass|lens|glass (polishing|additives)",
    "Fiber optics": r"fib(er|re)[- ]optic|optical[- ]fib|erbium-doped fiber|amplifier",
    "Medical imaging": r"\bMRI\b|\bPET\b|x-ray",
    "Nuclear": r"nuclear|reactor",
    "Defence": r"military|defen[cs]e|munition|armou?r|sonar",
    "Alloys": r"alloy",
    "Solar panels": r"solar|photovoltaic",
    "Lighting and LEDs": r"\bLEDs?\b|lighting|lamp",
    "Electronics": r"electronic|smartphone|memory chip",
    "Flame retardants": r"flame retardant",
    "Ceramics": r"ceramic",
    "Steel": r"\bsteel",
    "Fuel cells": r"fuel cell",
    "Medical therapy": r"cancer|radiotherapy|therapy",
    "Infrared": r"infrared|night-vision",
    "Aerospace": r"aerospace|drone",
    "Pigments": r"pigment",
    "Thermoelectrics": r"thermoelectric",
    "Carbide tools": r"carbide|drilling|metalworking",
    "Pharmaceuticals and cosmetics": r"pharmaceutical|cosmetic",
    "Anti-counterfeiting": r"counterfeit|banknote",
}

# how users name the shared application nodes (stored as aliases)
APPLICATION_ALIASES: dict[str, list[str]] = {
    "Permanent magnets": ["magnets", "magnet", "permanent magnet", "rare earth magnets", "NdFeB magnets"],
    "EV motors": ["EV motor", "electric vehicle motors", "electric vehicles", "EVs", "electric cars"],
    "Wind turbines": ["wind turbine", "wind power"],
    "Lasers": ["laser"],
    "Phosphors": ["phosphor"],
    "Catalysts": ["catalyst", "catalytic converters"],
    "Batteries": ["battery"],
    "Semiconductors": ["semiconductor", "chips"],
    "Fiber optics": ["fibre optics", "optical fibre", "optical fiber"],
    "Medical imaging": ["MRI", "PET scanners"],
    "Defence": ["defense", "military", "weapons"],
    "Solar panels": ["solar", "solar cells"],
    "Lighting and LEDs": ["LEDs", "LED", "lighting"],
}

STAGES: dict[str, str] = {
    "mining": r"\bmin(ing|e)\b|mineral sands",
    "separation/refining": r"separat|refin|cracking|leaching|processing",
    "metal/alloy": r"metal/alloy|\balloy",
    "magnet making": r"magnet(?!\s*recycl)",
    "recycling": r"recycl",
    "trading": r"trading|distribution|import of",
    "investment": r"investor|financier|investment",
    "stockpiling": r"stockpil",
    "customer": r"customer|buyer",
    "materials": r"functional materials|downstream",
}


def match_vocab(text: str, vocab: dict[str, str]) -> list[str]:
    found = [name for name, rx in vocab.items() if re.search(rx, text, re.I)]
    if "customer" in found:  # "customer (magnet buyer)" buys magnets; it does not make them
        return ["customer"]
    return found


CATEGORIES: tuple[tuple[str, str], ...] = (
    ("suspension", r"suspension"),
    ("tariff", r"tariff"),
    ("export_control", r"export|licens|ban|halt|moratorium|control"),
    ("agreement", r"framework|agreement|mou|truce|arrangement|deal|declaration|statement"),
    ("investment", r"equity|loan|debt|invest|partnership|joint venture|contract|offtake|funding|stockpile"),
    ("regulation", r"regulation|investigation|benchmark"),
)


def policy_category(policy_type: str) -> str:
    for cat, rx in CATEGORIES:
        if re.search(rx, policy_type, re.I):
            return cat
    return "other"


def policy_status(text: str) -> tuple[str, str | None]:
    """('suspended', '2026-11-10') from 'suspended Nov 7 2025 until Nov 10 2026 (P30)'."""
    low = (text or "").lower()
    until = None
    m = re.search(r"(?:until|to)\s+([A-Za-z]{3,9}\.? \d{1,2},? \d{4}|\d{4}-\d{2}-\d{2})", text or "")
    if m:
        until = parse_date(m.group(1))
    for status, rx in (
        ("suspended", r"^suspended|suspended .*until|clause 2 suspended"),
        ("superseded", r"superseded|replaced"),
        ("reduced", r"^reduced"),
        ("in_force", r"in force|in effect|implemented|maintained|closed|completed"),
        ("signed", r"signed"),
        ("announced", r"announced|launched|loi"),
        ("conditional", r"conditional"),
        ("historical", r"historical"),
        ("extended", r"extended"),
    ):
        if re.search(rx, low):
            return status, until
    return ("unknown" if not low else low.split(";")[0][:40]), until


# the seventeen rare earth elements (and the NdPr blend), as the graph names them: an article listing
# some of them after "rare earths" covers those elements; one listing graphite beside rare earths covers both
RARE_EARTH_ELEMENTS = frozenset({
    "Lanthanum", "Cerium", "Praseodymium", "Neodymium", "Promethium", "Samarium", "Europium", "Gadolinium",
    "Terbium", "Dysprosium", "Holmium", "Erbium", "Thulium", "Ytterbium", "Lutetium", "Scandium", "Yttrium", "NdPr",
})  # fmt: skip
