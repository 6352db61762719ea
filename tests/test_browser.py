"""End to end in a real Chromium: `rekg ui` on a fresh data dir, chat, explore, expand, download.

The browser context aborts every request that does not go to 127.0.0.1, which proves the app
needs no CDN. Screenshots go to tests/artifacts/ (gitignored).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, timeout_s: float = 90.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"`rekg ui` exited early with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {timeout_s} s")


@pytest.fixture(scope="module")
def ui_server() -> Iterator[tuple[str, Path]]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    rekg = ROOT / ".venv" / "bin" / "rekg"
    if not rekg.exists():
        pytest.skip("the rekg console script is not installed in .venv")
    data_dir = Path(tempfile.mkdtemp(prefix="rekg-e2e-"))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "OPENAI_"))}
    env.update(REKG_DATA_DIR=str(data_dir), REKG_ENV_FILE=str(data_dir / "none.env"))
    log = open(data_dir.parent / f"{data_dir.name}-ui.log", "wb")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [str(rekg), "ui", "--port", str(port)],
        cwd=str(ROOT),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_http(f"{base}/_stcore/health", proc)
        _wait_http(f"{base}/", proc)
        yield base, data_dir
    finally:
        from graph import embedded

        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()
        stopped = embedded.status(data_dir) is None
        if not stopped:
            embedded.stop(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)
        assert stopped, "the embedded FalkorDB server outlived `rekg ui`"


@pytest.fixture(scope="module")
def browser_page(ui_server) -> Iterator[tuple[object, str, list[str]]]:  # noqa: ANN001
    from playwright.sync_api import sync_playwright

    base, _ = ui_server
    blocked: list[str] = []
    profile = tempfile.mkdtemp(prefix="rekg-chromium-")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1300})

        def guard(route) -> None:  # noqa: ANN001
            host = urlparse(route.request.url).hostname
            if route.request.url.startswith(("data:", "blob:", "about:")) or host in ("127.0.0.1", "localhost"):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.set_default_timeout(60_000)
        try:
            yield page, base, blocked
        finally:
            context.close()
            browser.close()
            shutil.rmtree(profile, ignore_errors=True)


def _shot(page, name: str) -> Path:  # noqa: ANN001
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=False)
    return path


def test_chat_in_browser(browser_page) -> None:  # noqa: ANN001
    page, base, blocked = browser_page
    page.goto(f"{base}/")
    box = page.get_by_test_id("stChatInputTextArea")
    box.wait_for()
    box.fill("Which companies make magnets?")
    box.press("Enter")
    answer = page.get_by_test_id("stChatMessage").filter(has_text="companies:")
    answer.first.wait_for()
    page.get_by_test_id("stDataFrame").first.wait_for()
    page.get_by_text("Export this answer").first.click()  # the downloads sit in a closed expander
    page.get_by_role("button", name="JSON").first.wait_for()
    page.get_by_test_id("stChatMessage").filter(
        has_text="Which companies make magnets?"
    ).first.scroll_into_view_if_needed()
    page.mouse.wheel(0, 120)
    page.wait_for_timeout(2500)  # let the graph layout settle for the screenshot
    _shot(page, "chat.png")
    assert "MP Materials" in page.get_by_test_id("stChatMessage").last.inner_text()
    assert not blocked, f"the page tried to reach the network: {blocked[:5]}"


def test_explore_expand_and_download(browser_page) -> None:  # noqa: ANN001
    page, base, blocked = browser_page
    page.goto(f"{base}/explore")
    select = page.get_by_test_id("stSelectbox").first
    select.wait_for()
    select.click()
    page.keyboard.type("PRC")
    page.get_by_role("option", name="PRC → China · Country").click()
    page.get_by_text("Relationships (").first.wait_for()
    page.get_by_test_id("stHeading").filter(has_text="China").first.wait_for()
    # double-click a node in the graph (Cytoscape in the component's iframe) to expand it
    page.wait_for_timeout(2500)  # the layout animates once mounted
    frame_el = page.locator("iframe").first
    frame = frame_el.element_handle().content_frame()
    positions = "() => JSON.stringify(document.getElementById('cy')._cyreg.cy.nodes().map(n => n.renderedPosition()))"
    before, deadline = None, time.monotonic() + 15
    while time.monotonic() < deadline:  # wait until the layout has stopped moving
        now = frame.evaluate(positions)
        if now == before:
            break
        before = now
        page.wait_for_timeout(500)
    uid, x, y = frame.evaluate(
        """() => { const cy = document.getElementById('cy')._cyreg.cy;
        // the company node farthest from any other node, so the double-click cannot land on a neighbour
        const all = cy.nodes().map(n => n.renderedPosition());
        let best = null, bestGap = -1;
        cy.nodes().filter(n => n.id().startsWith('Company:')).forEach(n => {
            const p = n.renderedPosition();
            const gap = Math.min(...all.filter(q => q !== p && (q.x !== p.x || q.y !== p.y))
                                       .map(q => Math.hypot(q.x - p.x, q.y - p.y)));
            if (gap > bestGap) { bestGap = gap; best = n; }
        });
        const p = best.renderedPosition();
        return [best.id(), p.x, p.y]; }"""
    )
    box = frame_el.bounding_box()
    page.mouse.dblclick(box["x"] + x, box["y"] + y)
    page.get_by_text("Expanded:").wait_for()
    assert uid.split(":", 1)[1] in page.get_by_text("Expanded:").inner_text()
    # and the fallback: pick a node in the list and press Expand
    page.get_by_role("button", name="Expand", exact=True).click()
    page.get_by_text("Expanded:").filter(has_text=",").wait_for()
    page.wait_for_timeout(2000)
    _shot(page, "explore.png")
    with page.expect_download() as info:
        page.get_by_role("button", name="JSON").click()
    download = info.value
    assert download.suggested_filename.endswith(".json")
    data = json.loads(Path(download.path()).read_text())
    ids = {n["id"] for n in data["nodes"]}
    assert "Country:China" in ids
    assert any(i.startswith("Source:") for i in ids)
    assert data["relationships"]
    page.goto(f"{base}/data")
    page.get_by_test_id("stMetric").first.wait_for()
    _shot(page, "data.png")
    assert not blocked, f"the page tried to reach the network: {blocked[:5]}"
