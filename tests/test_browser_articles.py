"""The article flow in a real Chromium: preview -> accept some facts -> add -> ask about them -> forget.

Uses the `rekg ui` server and page fixtures of tests/test_browser.py (a fresh data dir, every
request off 127.0.0.1 aborted).
"""

from __future__ import annotations

import pytest

from tests.test_browser import _shot, browser_page, ui_server  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TEXT = (
    "Denver-based Aurora Minerals Corp. said on Tuesday it had signed an offtake agreement with "
    "Hamburg-headquartered Nordmag GmbH covering terbium and dysprosium oxide.\n\n"
    "Aurora chief financial officer Maria Lopez said the company would deliver the first cargo in 2026.\n\n"
    "Aurora named Peter Chan chief operating officer last July."
)


def _ask(page, base: str, question: str) -> str:  # noqa: ANN001
    page.goto(f"{base}/")
    box = page.get_by_test_id("stChatInputTextArea")
    box.wait_for()
    n = page.get_by_test_id("stChatMessage").count()
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        f"document.querySelectorAll('[data-testid=stChatMessage]').length >= {n + 2}", timeout=60_000
    )
    page.wait_for_timeout(500)
    return page.get_by_test_id("stChatMessage").last.inner_text()


def test_preview_accept_add_ask_forget(browser_page) -> None:  # noqa: ANN001, F811
    page, base, blocked = browser_page
    page.goto(f"{base}/data")
    page.get_by_label("Title").wait_for()
    page.get_by_label("Title").fill("Aurora signs terbium offtake")
    page.get_by_label("Date (YYYY-MM-DD)").fill("2025-10-15")
    page.get_by_label("Article text").fill(TEXT)
    page.get_by_role("button", name="Preview (dry run)").click()
    page.get_by_text("nothing is written yet").wait_for()
    chan = page.get_by_test_id("stCheckbox").filter(has_text="(Peter Chan) –HOLDS_OFFICE→ (Aurora Minerals)")
    chan.wait_for()
    chan.locator("label").click()  # reject this one fact
    page.wait_for_timeout(800)
    _shot(page, "article-preview.png")
    page.get_by_role("button", name="Add to the graph").click()
    page.get_by_text("Added “Aurora signs terbium offtake”").wait_for()
    assert page.get_by_text("nothing is written yet").count() == 0  # the preview is cleared

    assert "Maria Lopez" in _ask(page, base, "Who is the chief financial officer of Aurora Minerals?")
    assert "Peter Chan" not in _ask(page, base, "Who is the chief operating officer of Aurora Minerals?")

    page.goto(f"{base}/data")
    page.get_by_text("Forget an article").wait_for()
    select = page.get_by_test_id("stSelectbox").filter(has_text="Article").first
    select.click()
    page.keyboard.type("Aurora signs")
    page.get_by_role("option").filter(has_text="Aurora signs terbium offtake").first.click()
    page.get_by_role("button", name="Forget this article").click()
    page.get_by_text("Forgot 'Aurora signs terbium offtake'").wait_for()
    assert "Maria Lopez" not in _ask(page, base, "Who is the chief financial officer of Aurora Minerals?")
    assert not blocked, f"the page tried to reach the network: {blocked[:5]}"
