"""The dashboard in a real headless Chromium: no console error, no network request, the ranking
sorts on click, the 类别 filter and the unit picker work (skipped where no Chromium is installed;
`.ci/run` installs Debian's chromium)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cdp import Browser, find_chromium
from test_dashboard import make_ledger, page

pytestmark = pytest.mark.slow
CHROMIUM = find_chromium()


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("没有安装 Chromium（Debian：apt-get install chromium），跳过浏览器测试")
    b = Browser(CHROMIUM)
    yield b
    b.close()


def test_page_in_chromium(browser: Browser, tmp_path: Path) -> None:
    db = make_ledger(tmp_path)
    out = tmp_path / "看板.html"
    page(db, "2026Q3", out)
    browser.open(out)
    assert browser.errors() == []
    assert browser.requests() == [out.resolve().as_uri()]          # the page itself, nothing else
    js = browser.js
    assert js("document.querySelectorAll('#overview .card').length") >= 8
    assert js("document.querySelectorAll('#execution svg rect').length") == 3
    assert js("!!document.getElementById('county-line')")
    assert js("document.querySelectorAll('#ranking tbody tr').length") == 3

    scores = ("Array.from(document.querySelectorAll('#ranking tbody tr'))"
              ".map(r => parseFloat(r.cells[3].getAttribute('data-v')))")
    header = "Array.from(document.querySelectorAll('#ranking th')).find(h => h.textContent.trim() === '得分')"
    js(f"{header}.click()")
    up = js(scores)
    assert up == sorted(up)
    js(f"{header}.click()")
    down = js(scores)
    assert down == sorted(up, reverse=True) and down != up

    js("const f = document.getElementById('category-filter'); f.value = '乡镇';"
       "f.dispatchEvent(new Event('change'))")
    shown = js("Array.from(document.querySelectorAll('#ranking tbody tr')).filter(r => !r.hidden)"
               ".map(r => r.getAttribute('data-category'))")
    assert shown == ["乡镇"]

    js("const p = document.getElementById('unit-picker'); p.value = 'C'; p.dispatchEvent(new Event('change'))")
    visible = js("Array.from(document.querySelectorAll('.unit-line')).filter(l => l.style.display !== 'none')"
                 ".map(l => l.getAttribute('data-unit'))")
    assert visible == ["C"]
    assert browser.errors() == []
    if os.environ.get("PBM_SCREENSHOT"):   # docs/images/dashboard.png is made from the demo's page
        browser.screenshot(Path(os.environ["PBM_SCREENSHOT"]))
