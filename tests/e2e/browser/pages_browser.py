"""Shared helpers for the page tests (/inbox, /apply, /progress): one live server per module on a fake clock,
a window PC (1366×768) and a phone (375×812), screenshots, axe-core, and the numbers the note reports
(time to a usable page, gzipped bytes downloaded, clicks)."""
from __future__ import annotations

import gzip
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import PG_URL, ROOT, create_schema, reset_database

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
AXE = ROOT / "modeler" / "node_modules" / "axe-core" / "axe.min.js"
SIZES = {"desk": {"width": 1366, "height": 768}, "phone": {"width": 375, "height": 812}}
TODAY = datetime(2026, 11, 22, 9, 0)  # a person born 1966-01 is inside the one-month window (枞阳)


@dataclass
class Site:
    url: str
    engine: object
    clock: object


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The real app and engine on a fresh database with the demo accounts, on a fake clock."""
    from api import create_app
    from api.demo import DEMO_USERS, ensure_user
    from engine.bootstrap import bootstrap
    from engine.clock import FakeClock

    if not (ROOT / "api" / "static" / "modeler" / "inbox.html").exists():
        pytest.skip("the front end is not built (./dev test builds it with npm)")
    if PG_URL:
        reset_database(PG_URL)
        url = PG_URL
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'retire.db'}"
    create_schema(url)
    clock = FakeClock(TODAY)
    eng = bootstrap(url, processes_dir=ROOT / "processes", forms_dir=ROOT / "forms", clock=clock, worker_id="pages")
    eng.deploy_folders("test")
    for user in DEMO_USERS:
        ensure_user(eng, *user)
    app = create_app({"TESTING": True, "SECRET_KEY": "browser-test-secret-0123456789-abcdefghij"}, engine=eng)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Site(url=f"http://127.0.0.1:{server.server_port}", engine=eng, clock=clock)
    server.shutdown()
    eng.runtime.db.dispose()


@dataclass
class Tab:
    """A page at one size that counts the clicks a user makes and the bytes the page downloads."""
    page: object
    size: str
    clicks: int = 0
    responses: list = field(default_factory=list)

    def click(self, locator):
        self.clicks += 1
        locator.click()

    def shot(self, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{self.size}.png"), full_page=True)

    def gzipped_bytes(self) -> int:
        """What the page's own files (HTML, JS, CSS) weigh gzipped, as a compressing server would send them."""
        total = 0
        for resp in self.responses:
            if "/api/" in resp.url:
                continue
            try:
                total += len(gzip.compress(resp.body(), 6))
            except Exception:  # a redirect or an aborted request has no body
                pass
        return total

    def open_usable(self, url, ready) -> float:
        """Load url and wait until `ready` (a locator) can be used; seconds from navigation to usable."""
        self.responses.clear()
        start = time.perf_counter()
        self.page.goto(url)
        ready.wait_for()
        return time.perf_counter() - start

    def fits_the_screen(self) -> bool:
        return self.page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")

    def axe(self, name):
        """Run axe-core on the page as it is now; serious or critical violations fail the test."""
        if not AXE.exists():
            pytest.skip("axe-core is not installed (cd modeler && npm ci)")
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate("""async () => {
            const r = await axe.run(document, { resultTypes: ['violations'] });
            return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                                            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }));
        }""")
        record(f"axe.{name}.{self.size}", [f"{v['impact']}: {v['id']}" for v in result])
        bad = [v for v in result if v["impact"] in ("serious", "critical")]
        assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)


@pytest.fixture(params=list(SIZES))
def tab(request, browser):
    context = browser.new_context(viewport=SIZES[request.param], locale="zh-CN",
                                  is_mobile=request.param == "phone", has_touch=request.param == "phone")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    t = Tab(page=pg, size=request.param)
    pg.on("response", lambda resp: t.responses.append(resp))
    yield t
    context.close()


def record(name, value):
    """Numbers for the note, in screenshots/metrics.json (printed too)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "metrics.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[name] = value
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True))
    print(f"{name}: {value}")


def measure(t: Tab, name, url, ready):
    seconds = t.open_usable(url, ready)
    record(f"usable_seconds.{name}.{t.size}", round(seconds, 2))
    record(f"gzipped_bytes.{name}.{t.size}", t.gzipped_bytes())
