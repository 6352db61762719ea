"""Offline translator (placeholder while it is being written)."""

from __future__ import annotations


class RulesTranslator:
    def __init__(self, store) -> None:  # noqa: ANN001
        self.store = store

    def translate(self, question: str, history: list) -> None:  # noqa: ANN001
        return None
