"""The chat-model factory that both article extraction (ingest/) and question answering (qa/) use."""

from __future__ import annotations

from typing import Any

from graph.settings import Settings


def chat_model(settings: Settings, timeout: float = 60) -> Any:
    """LangChain's ChatOpenAI for the configured OpenAI-compatible endpoint (imported lazily: it is slow)."""
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    return ChatOpenAI(
        model=settings.openai_model,
        api_key=SecretStr(settings.openai_api_key or "not-needed"),
        base_url=settings.openai_base_url,
        temperature=0,
        timeout=timeout,
        max_retries=1,
    )
