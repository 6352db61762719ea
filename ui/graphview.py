"""The graph view: readable labels, positions that stay put, a node cap, the question's entities marked.

st-link-analysis (Cytoscape, bundled in the package: no CDN) draws the elements. Positions are
computed here (networkx spring layout) and sent with every node, with Cytoscape's `preset` layout,
so that

- expanding a node places only the new nodes (the others are fixed in the layout) and nothing jumps;
- the component keeps one key per view (no remount, no re-layout in the browser, no layout animation:
  the graph appears as soon as its frame has loaded);
- the font size is set from the layout's scale so that, fitted into a frame of the expected width,
  labels render at about 12 px (measured by tests/test_browser.py).
"""

from __future__ import annotations

import functools
import hashlib
import math
import warnings
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.ontology import NODES, RELS
from graph.store import GNode, GRel, plain

NODE_CAP = 150  # above this many nodes a graph is a hairball: warn, summarise, offer "show all"
HIDDEN_PROPS = {"sources", "evidence", "aliases"}
SPACING = 95.0  # model px between neighbours
TARGET_FONT_PX = 13.0
LABEL_EMS = 9.0  # widest label, in font sizes (longer names end in an ellipsis)
EDGE_LABELS_MAX = 30  # more relationships than this: their captions show on selection only


@dataclass
class Capped:
    nodes: list[GNode]
    rels: list[GRel]
    total: int  # nodes before the cap
    per_label: Counter[str]

    @property
    def capped(self) -> bool:
        return self.total > len(self.nodes)


def cap(nodes: list[GNode], rels: list[GRel], keep: Iterable[str] = (), limit: int = NODE_CAP) -> Capped:
    """At most `limit` nodes: the kept ones (question entities, pins) first, then the best connected."""
    all_nodes: dict[str, GNode] = {n.uid: n for n in nodes}
    for r in rels:
        all_nodes.setdefault(r.start.uid, r.start)
        all_nodes.setdefault(r.end.uid, r.end)
    per_label = Counter(n.label for n in all_nodes.values())
    if len(all_nodes) <= limit:
        return Capped(list(all_nodes.values()), rels, len(all_nodes), per_label)
    degree: Counter[str] = Counter()
    for r in rels:
        degree[r.start.uid] += 1
        degree[r.end.uid] += 1
    keep_set = [u for u in keep if u in all_nodes]
    ranked = keep_set + sorted((u for u in all_nodes if u not in keep_set), key=lambda u: (-degree[u], u))
    chosen = set(ranked[:limit])
    return Capped(
        [all_nodes[u] for u in ranked[:limit]],
        [r for r in rels if r.start.uid in chosen and r.end.uid in chosen],
        len(all_nodes),
        per_label,
    )


def _widen(pos: dict[str, tuple[float, float]], aspect: float) -> dict[str, tuple[float, float]]:
    """Stretch a round drawing towards the frame's aspect ratio, so it fills a wide frame (and labels grow)."""
    if len(pos) < 3:
        return pos
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    bw, bh = max(xs) - min(xs) or 1.0, max(ys) - min(ys) or 1.0
    f = min(2.2, max(1.0, aspect * bh / bw))
    return {u: (x * f, y) for u, (x, y) in pos.items()}


def layout(
    nodes: list[GNode],
    rels: list[GRel],
    fixed: dict[str, tuple[float, float]] | None = None,
    seed: int = 7,
    aspect: float = 1.0,
) -> dict[str, tuple[float, float]]:
    """Model positions for every node; nodes in `fixed` keep theirs and only the others are placed.

    A fresh drawing is stretched towards `aspect` (frame width / height).
    """
    g = nx.Graph()
    g.add_nodes_from(sorted(n.uid for n in nodes))
    for r in rels:
        if r.start.uid in g and r.end.uid in g and r.start.uid != r.end.uid:
            g.add_edge(r.start.uid, r.end.uid)
    if not len(g):
        return {}
    keep = {u: p for u, p in (fixed or {}).items() if u in g}
    if len(keep) == len(g):
        return dict(keep)
    if not keep:
        n = len(g)
        pos = nx.spring_layout(g, seed=seed, k=1.8 / math.sqrt(n), iterations=80)
        scale = SPACING * math.sqrt(n) * 0.75
        out = {u: (float(x) * scale, float(y) * scale) for u, (x, y) in pos.items()}
        return _widen(out, aspect)
    # new nodes start next to a placed neighbour (or at the edge of the drawing) and are pulled into place
    import random

    rnd = random.Random(seed)
    init: dict[str, tuple[float, float]] = dict(keep)
    cx = sum(p[0] for p in keep.values()) / len(keep)
    cy = sum(p[1] for p in keep.values()) / len(keep)
    right = max(p[0] for p in keep.values()) + SPACING
    for u in g.nodes:
        if u in init:
            continue
        anchors = [init[v] for v in g.neighbors(u) if v in init]
        if anchors:  # outwards from the drawing's centre, past the anchor: new nodes do not fall into the old ones
            ax, ay = anchors[0]
            angle = math.atan2(ay - cy, ax - cx) + rnd.uniform(-0.9, 0.9)
            init[u] = (ax + 1.6 * SPACING * math.cos(angle), ay + 1.6 * SPACING * math.sin(angle))
        else:
            init[u] = (right, rnd.uniform(-SPACING, SPACING) * 3)
    pos = nx.spring_layout(g, pos=init, fixed=list(keep), k=SPACING, iterations=25, seed=seed)
    out = {u: (float(x), float(y)) for u, (x, y) in pos.items()}
    out.update(keep)
    return out


def font_size(positions: dict[str, tuple[float, float]], width: int, height: int) -> float:
    """The model font size f that renders at TARGET_FONT_PX once the drawing is fitted to the frame.

    Cytoscape fits the bounding box of nodes *and labels*; a label is at most LABEL_EMS font sizes
    wide and about 3 tall, so the fitted zoom is min((W - pad) / (bw + LABEL_EMS f), (H - pad) / (bh + 3 f)).
    Solving f * zoom = T for f gives the bound below (at least T: small graphs are not blown up).
    """
    t = TARGET_FONT_PX
    if len(positions) < 2:
        return t
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    bw, bh = max(xs) - min(xs), max(ys) - min(ys)
    w, h = max(width - 60, 200), max(height - 60, 150)
    f = max(t, t * bw / max(w - LABEL_EMS * t, 1), t * bh / max(h - 3.2 * t, 1))
    return round(min(60.0, f * 1.05), 1)


def _short(v: Any) -> str:
    v = plain(v)
    if isinstance(v, list):
        v = ", ".join(str(x) for x in v if x not in (None, ""))
    text = str(v)
    return text if len(text) <= 200 else text[:197] + "…"


def elements(
    nodes: list[GNode],
    rels: list[GRel],
    positions: dict[str, tuple[float, float]],
    *,
    asked: Iterable[str] = (),
    pinned: Iterable[str] = (),
) -> dict[str, Any]:
    """Cytoscape elements with positions; `label` is the ontology label (colour), `name` the caption."""
    asked, pinned = set(asked), set(pinned)
    out_nodes: dict[str, dict[str, Any]] = {}
    for n in nodes:
        if n.uid in out_nodes:
            continue
        data: dict[str, Any] = {"id": n.uid, "label": n.label, "name": n.name}
        for k, v in n.props.items():
            if k not in HIDDEN_PROPS and k not in data and v not in (None, "", []):
                data[k] = _short(v)
        x, y = positions.get(n.uid, (0.0, 0.0))
        classes = " ".join(c for c, on in (("asked", n.uid in asked), ("pinned", n.uid in pinned)) if on)
        el: dict[str, Any] = {"data": data, "position": {"x": round(x, 1), "y": round(y, 1)}, "classes": classes}
        out_nodes[n.uid] = el
    edges = []
    seen: set[str] = set()
    for r in rels:
        if r.uid in seen or r.start.uid not in out_nodes or r.end.uid not in out_nodes:
            continue
        seen.add(r.uid)
        data = {"id": r.uid, "label": r.type, "source": r.start.uid, "target": r.end.uid}
        for k, v in r.props.items():
            if k not in HIDDEN_PROPS and v not in (None, "", []):
                data[k] = _short(v)
        edges.append({"data": data})
    return {"nodes": list(out_nodes.values()), "edges": edges}


class _RawStyle:
    """A Cytoscape style rule passed next to NodeStyle/EdgeStyle (st-link-analysis only calls `.dump()`)."""

    def __init__(self, selector: str, style: dict[str, Any]) -> None:
        self.selector, self.style = selector, style

    def dump(self) -> dict[str, Any]:
        return {"selector": self.selector, "style": self.style}


def _styles(font: float, edge_labels: bool = True) -> list[Any]:
    from st_link_analysis import EdgeStyle, NodeStyle

    node_size = round(font * 2.1, 1)
    styles: list[Any] = [NodeStyle(n.label, n.color, "name") for n in NODES]
    styles += [
        _RawStyle("*", {"min-zoomed-font-size": 7}),
        _RawStyle(
            "node",
            {
                "font-size": font,
                "width": node_size,
                "height": node_size,
                "text-margin-y": font * 0.3,
                "text-wrap": "ellipsis",
                "text-max-width": font * LABEL_EMS,
                "border-width": font * 0.08,
                "text-background-color": "#ffffff",
                "text-background-opacity": 0.7,
                "text-background-padding": font * 0.1,
            },
        ),
        _RawStyle("edge", {"font-size": font * 0.8, "width": font * 0.15, "arrow-scale": 0.9}),
        _RawStyle("node.asked", {"border-width": font * 0.3, "border-color": "#1f2937", "font-weight": "bold"}),
        _RawStyle("node.pinned", {"border-width": font * 0.3, "border-color": "#d97706", "border-style": "double"}),
    ]
    with warnings.catch_warnings():  # st-link-analysis 0.4 warns about its own default `labeled=False`
        warnings.simplefilter("ignore")
        styles += [EdgeStyle(r.type, caption="label" if edge_labels else None, directed=True) for r in RELS]
    if not edge_labels:
        styles.append(_RawStyle("edge:selected, edge.highlight", {"label": "data(label)"}))
    return styles


def render(
    nodes: list[GNode],
    rels: list[GRel],
    *,
    key: str,
    height: int = 420,
    width_hint: int = 900,
    positions: dict[str, tuple[float, float]] | None = None,
    asked: Iterable[str] = (),
    pinned: Iterable[str] = (),
    on_event: Callable[[str], None] | None = None,
    hideable: bool = False,
) -> dict[str, tuple[float, float]]:
    """Draw the graph; returns the positions used (keep them to place only new nodes next time).

    Double-clicking a node reports {"action": "open", "data": {"target_id": uid}} through `on_event(key)`;
    with `hideable`, selecting nodes and pressing Delete (or the bin button) reports {"action": "remove"}.
    """
    from st_link_analysis import st_link_analysis
    from st_link_analysis.component.events import Event

    if not nodes and not rels:
        return {}
    nodes = [n for n in nodes if n.label != "Sentence"]
    rels = [r for r in rels if r.start.label != "Sentence" and r.end.label != "Sentence"]
    pos = layout(nodes, rels, positions, aspect=width_hint / height)
    font = font_size(pos, width_hint, height)
    els = elements(nodes, rels, pos, asked=asked, pinned=pinned)
    ids = ",".join(sorted(e["data"]["id"] for e in els["nodes"]))
    # a changed node set re-runs the preset layout (positions as sent, fitted to the frame); a stable
    # key keeps the component mounted, so the browser does no layout of its own
    lay = {
        "name": "preset",
        "fit": True,
        "padding": 24,
        "animate": False,
        "rev": hashlib.sha1(ids.encode()).hexdigest()[:10],
    }

    st_link_analysis(
        els,
        layout=lay,
        node_styles=_styles(font, edge_labels=len(els["edges"]) <= EDGE_LABELS_MAX),
        edge_styles=[],
        height=height,
        key=key,
        on_change=functools.partial(on_event, key) if on_event else None,
        node_actions=["remove"] if hideable else [],
        events=[Event("open", "dblclick dbltap", "node")],
    )
    return pos


def legend_html(labels: Iterable[str], asked: bool = False) -> str:
    """Coloured chips for the labels in view (and the mark of the question's entities)."""
    colors = {n.label: n.color for n in NODES}
    chips = [
        f"<span style='background:{colors.get(lb, '#888')};color:#fff;border-radius:8px;padding:1px 8px;"
        f"margin-right:4px;font-size:0.8em'>{lb}</span>"
        for lb in sorted(set(labels))
    ]
    if asked:
        chips.append(
            "<span style='border:2px solid #1f2937;border-radius:8px;padding:0 7px;font-size:0.8em'>"
            "in your question</span>"
        )
    return " ".join(chips)
