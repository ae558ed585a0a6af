"""The static leaderboard site: its files and links, then the pages in a real headless Chromium
driven over the DevTools protocol (no console errors, header clicks sort, plots render,
a non-blank screenshot). The browser tests skip without Chromium unless
MOBENCH_REQUIRE_BROWSER=1, where they fail instead."""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import subprocess
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from mobench.leaderboard import write_leaderboard
from mobench.records import PhaseCompute, ResponseRecord, RunRecord, RunStore

REPO = Path(__file__).resolve().parents[1]
PREFS = ((1.0, 0.0), (0.5, 0.5), (0.0, 1.0))
# method → (kind, per-preference mean vectors, compute seconds per run)
METHODS: dict[str, tuple[str, tuple[tuple[float, float], ...], float]] = {
    "alpha": ("online", ((0.8, 0.2), (0.5, 0.5), (0.2, 0.8)), 3.0),  # front HV 0.37
    "beta": ("selector", ((0.5, 0.5),) * 3, 9.0),  # 0.25
    "gamma": ("offline", ((0.9, 0.1), (0.6, 0.3), (0.3, 0.6)), 1.0),  # 0.09+0.12+0.09 = 0.30
    "delta": ("online", ((0.3, 0.3),) * 3, 5.0),  # 0.09
}


def toy_record(method: str, seed: int, i: int) -> RunRecord:
    kind, means, seconds = METHODS[method]
    a, b = means[i]
    a, b = a - 0.01 * seed, b  # seeds differ a little
    return RunRecord(
        run_key=f"{method}-{seed}-{i}",
        method=method,
        method_version="1",
        params={"lr": 0.1, "steps": 20, "policy": {"kind": "pool"}},
        pack="toy@1",
        pack_sha256="ab" * 32,
        objectives=("helpful", "harmless"),
        scorers=("x.helpful@1", "x.harmless@1"),
        preference=PREFS[i],
        seed=seed,
        protocol="pack",
        responses=(ResponseRecord("i1", None, (a, b), ""),),
        metrics={"hypervolume": a * b, "means": {"helpful": a, "harmless": b}, "collapse@1": 0.0},
        training=(
            {
                "steps_to_final_front": 12,
                "eval_steps": [0.0, 10.0],
                "val_means": [[a / 2, b / 2], [a, b]],
            }
            if kind == "online"
            else {}
        ),
        compute=(PhaseCompute("train", seconds, "cpu"),),
        sandbox={},
        environment={"mobench": "0.1.0", "python": "3.11", "packages": {"torch": "2.13.0"}},
        method_kind=kind,
        reference_point=(0.0, 0.0),
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    store = RunStore(root / "runs")
    for method in METHODS:
        for seed in (0, 1):
            for i in range(len(PREFS)):
                store.save(toy_record(method, seed, i))
    pairs = list(store.iter_with_paths())
    out = root / "board"
    write_leaderboard([r for _, r in pairs], out, ["html", "csv"], {r.run_key: p for p, r in pairs})
    return out


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.targets.append(value)


def _local_targets(page: Path) -> list[Path]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    out = []
    for target in parser.targets:
        if target.startswith(("http:", "https:", "data:", "#", "mailto:")):
            continue
        out.append((page.parent / target.split("#", 1)[0]).resolve())
    return out


def test_site_files_and_links(site: Path) -> None:
    index = site / "index.html"
    html = index.read_text()
    assert '<table class="sortable" id="toy_v1-pack">' in html
    for column in ("front HV", "response HV", "collapse", "compute s", "steps to front"):
        assert f">{column}</th>" in html
    pages = [index, *sorted((site / "methods").glob("*.html"))]
    assert {p.stem for p in pages[1:]} == set(METHODS)
    for page in pages:
        targets = _local_targets(page)
        assert targets, page
        missing = [str(t) for t in targets if not t.exists()]
        assert not missing, f"{page.name} links to missing files {missing}"
    # every record behind alpha's numbers is linked from its page
    alpha = _local_targets(site / "methods" / "alpha.html")
    assert len([t for t in alpha if t.suffix == ".json"]) == 6
    csv_rows = (site / "data" / "toy_v1.csv").read_text().splitlines()
    assert len(csv_rows) == 1 + len(METHODS)
    assert csv_rows[1].startswith("toy@1,pack,1,alpha,")  # ranked by front HV
    assert json.loads((site / "data" / "toy_v1.json").read_text())[0]["kind"] == "online"
    fronts = json.loads((site / "data" / "toy_v1-fronts.json").read_text())
    assert len(fronts) == len(METHODS) * 2  # one per method and seed
    alpha0 = next(f for f in fronts if (f["method"], f["seed"]) == ("alpha", 0))
    assert alpha0["hypervolume"] == pytest.approx(0.37)  # see METHODS
    assert [p["means"] for p in alpha0["points"]] == [[0.8, 0.2], [0.5, 0.5], [0.2, 0.8]]
    page = (site / "methods" / "alpha.html").read_text()
    assert "<code>0.1</code>" in page and "package torch" in page and ">online<" in page


def test_training_trajectory_by_hand(site: Path) -> None:
    from mobench.fronts import seed_fronts
    from mobench.site.plots import front_trajectory

    records = [toy_record(m, s, i) for m in METHODS for s in (0, 1) for i in range(3)]
    fronts = {(f.method, f.seed): f for f in seed_fronts(records)}
    steps, hv = front_trajectory(fronts["alpha", 0])
    # step 10: alpha's seed-0 front, HV 0.37 (see METHODS); step 0: every point halved, so
    # every rectangle a quarter: 0.37 / 4 = 0.0925
    assert steps.tolist() == [0.0, 10.0]
    assert hv.tolist() == pytest.approx([0.0925, 0.37])
    assert front_trajectory(fronts["beta", 0]) is None  # a selector reports no trajectory
    assert (site / "img" / f"training-alpha-{fronts['alpha', 0].config}.png").is_file()
    assert "training-alpha-" in (site / "methods" / "alpha.html").read_text()
    assert "<h3>Training</h3>" not in (site / "methods" / "beta.html").read_text()


# ---------------------------------------------------------------------------------------------
# A minimal DevTools-protocol client over websocket-client.


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if path := shutil.which(name):
            return path
    return None


class Browser:
    """A headless Chromium with one page, driven over the DevTools protocol."""

    def __init__(self, exe: str, profile: Path) -> None:
        import websocket

        self.log = (profile.parent / "chromium.log").open("w")
        self.proc = subprocess.Popen(
            [
                exe,
                "--headless=new",
                "--no-sandbox",  # root in CI; the page is our own static file
                "--disable-gpu",
                "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
                f"--user-data-dir={profile}",
                "--window-size=1280,900",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.read_text().strip()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"Chromium did not start (see {self.log.name})")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as resp:
            targets = json.load(resp)
        url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(url, timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")

    def _receive(self) -> dict[str, Any]:
        message = json.loads(self.ws.recv())
        if "method" in message:
            self.events.append(message)
        return message

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = self._receive()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))

    def wait_for(self, event: str) -> None:
        while not any(e["method"] == event for e in self.events):
            self._receive()

    def open(self, path: Path) -> None:
        self.events.clear()
        self.call("Page.navigate", url=path.resolve().as_uri())
        self.wait_for("Page.loadEventFired")

    def js(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads since the last navigation."""
        out = []
        for event in self.events:
            params = event.get("params", {})
            if event["method"] == "Runtime.exceptionThrown":
                out.append(json.dumps(params["exceptionDetails"])[:300])
            elif event["method"] == "Runtime.consoleAPICalled" and params["type"] in (
                "error",
                "assert",
                "warning",
            ):
                out.append(json.dumps(params["args"])[:300])
            elif event["method"] == "Log.entryAdded" and params["entry"]["level"] == "error":
                out.append(params["entry"].get("text", "")[:300])
        return out

    def click(self, selector: str) -> None:
        """A real mouse click (press and release) at the centre of the element."""
        box = self.js(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
            " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        x, y = box
        self.call("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def close(self) -> None:
        if getattr(self, "ws", None) is not None:
            self.ws.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Any:
    exe = _chromium()
    try:
        import websocket  # noqa: F401
    except ImportError:
        exe = None
    if exe is None:
        message = "needs Chromium and websocket-client (apt-get install chromium)"
        if os.environ.get("MOBENCH_REQUIRE_BROWSER") == "1":
            pytest.fail(f"MOBENCH_REQUIRE_BROWSER=1 but the browser test {message}")
        pytest.skip(message)
    chrome = Browser(exe, tmp_path_factory.mktemp("chromium") / "profile")
    yield chrome
    chrome.close()


TABLE = "#toy_v1-pack"


def _column(browser: Browser, index: int) -> list[str]:
    return browser.js(
        f"Array.from(document.querySelector('{TABLE}').tBodies[0].rows)"
        f".map(r => r.cells[{index}].getAttribute('data-value'))"
    )


def _header_index(browser: Browser, label: str) -> int:
    labels = browser.js(
        f"Array.from(document.querySelector('{TABLE}').tHead.rows[0].cells).map(c => c.textContent)"
    )
    return labels.index(label)


def test_index_loads_without_console_errors(browser: Browser, site: Path) -> None:
    browser.open(site / "index.html")
    assert browser.js("document.title") == "mobench leaderboard"
    assert browser.js("document.querySelectorAll('table.sortable').length") >= 2
    assert browser.errors() == []


def test_clicking_a_header_sorts_the_table(browser: Browser, site: Path) -> None:
    browser.open(site / "index.html")
    methods = _header_index(browser, "method")
    assert browser.js(f"document.querySelector('{TABLE}').tBodies[0].rows.length") == 4
    # as built: ranked by front HV (alpha 0.37, gamma 0.30, beta 0.25, delta 0.09; seed-means)
    assert _column(browser, methods) == ["alpha", "gamma", "beta", "delta"]
    secs = _header_index(browser, "compute s")
    selector = f"{TABLE} thead th:nth-child({secs + 1})"
    browser.click(selector)
    values = [float(v) for v in _column(browser, secs)]
    assert values == sorted(values) and values != [float(v) for v in sorted(values)][::-1]
    assert _column(browser, methods) == ["gamma", "alpha", "delta", "beta"]  # 3, 9, 15, 27 s
    assert browser.js(f"document.querySelector('{selector}').getAttribute('aria-sort')") == (
        "ascending"
    )
    browser.click(selector)  # again: descending
    assert _column(browser, methods) == ["beta", "delta", "alpha", "gamma"]
    browser.click(f"{TABLE} thead th:nth-child({methods + 1})")  # text column
    assert _column(browser, methods) == ["alpha", "beta", "delta", "gamma"]
    assert browser.errors() == []


def test_plots_render(browser: Browser, site: Path) -> None:
    browser.open(site / "index.html")
    images = browser.js(
        "Array.from(document.images).map(i => [i.getAttribute('src'), i.complete,"
        " i.naturalWidth, i.naturalHeight])"
    )
    assert images, "no plot on the index page"
    for src, complete, width, height in images:
        assert complete and width > 0 and height > 0, src


def test_method_page_loads(browser: Browser, site: Path) -> None:
    browser.open(site / "methods" / "alpha.html")
    links = browser.js("Array.from(document.querySelectorAll('a[href$=\".json\"]')).length")
    assert links == 6
    widths = browser.js("Array.from(document.images).map(i => i.naturalWidth)")
    assert len(widths) == 1 and widths[0] > 0  # the training plot
    assert browser.errors() == []


def test_screenshot_is_not_blank(browser: Browser, site: Path, tmp_path: Path) -> None:
    from PIL import Image

    browser.open(site / "index.html")
    shot = browser.call("Page.captureScreenshot", format="png")
    path = tmp_path / "index.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    image = Image.open(io.BytesIO(path.read_bytes())).convert("RGB")
    assert image.width >= 800 and image.height >= 600
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50  # text, table rules, the plot: not a blank page
    white = max((count for count, rgb in colours if rgb == (255, 255, 255)), default=0)
    assert white < 0.97 * image.width * image.height


@pytest.fixture(scope="module")
def two_pack_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The toy records on two packs (the second a copy), so the index has a summary table."""
    records = [toy_record(m, s, i) for m in METHODS for s in (0, 1) for i in range(3)]
    second = [
        RunRecord(**{**r.__dict__, "pack": "toy2@1", "run_key": r.run_key + "-2"}) for r in records
    ]
    out = tmp_path_factory.mktemp("two")
    write_leaderboard(records + second, out, ["html"])
    return out


def test_two_pack_site_has_a_summary(browser: Browser, two_pack_site: Path) -> None:
    html = (two_pack_site / "index.html").read_text()
    assert '<section id="summary">' in html and ">toy2@1 HV</th>" in html
    browser.open(two_pack_site / "index.html")
    assert browser.errors() == []
    assert browser.js("document.querySelectorAll('#summary table.sortable').length") == 1
    assert browser.js("document.images.length") == 2  # a front plot per pack


@pytest.fixture(scope="module")
def published_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from the committed leaderboard/ records (as `--published` does)."""
    from mobench.cli.leaderboard_cmd import _load, published_stores

    if not (REPO / "leaderboard").is_dir():
        pytest.skip("no leaderboard/ in this checkout")
    records, paths = _load(published_stores(REPO / "leaderboard"))
    out = tmp_path_factory.mktemp("published")
    write_leaderboard(records, out, ["html"], paths)
    return out


def test_committed_site_links_resolve() -> None:
    index = REPO / "leaderboard" / "index.html"
    if not index.is_file():
        pytest.skip("no built leaderboard in this checkout")
    for page in [index, *sorted((REPO / "leaderboard" / "methods").glob("*.html"))]:
        missing = [str(t) for t in _local_targets(page) if not t.exists()]
        assert not missing, f"{page.name} links to missing files {missing}"


def test_published_site_in_the_browser(browser: Browser, published_site: Path) -> None:
    browser.open(published_site / "index.html")
    assert browser.errors() == []
    images = browser.js("Array.from(document.images).map(i => i.naturalWidth)")
    assert images and all(width > 0 for width in images)
    # the first per-pack front table (the summary across packs comes before it)
    table = browser.js(
        "Array.from(document.querySelectorAll('table.sortable')).find(t => "
        "Array.from(t.tHead.rows[0].cells).some(c => c.textContent === 'front HV')).id"
    )
    labels = browser.js(
        f"Array.from(document.getElementById('{table}').tHead.rows[0].cells)"
        ".map(c => c.textContent)"
    )
    column = labels.index("front HV")
    browser.click(f"[id='{table}'] thead th:nth-child({column + 1})")
    values = browser.js(
        f"Array.from(document.getElementById('{table}').tBodies[0].rows)"
        f".map(r => parseFloat(r.cells[{column}].getAttribute('data-value')))"
    )
    assert values == sorted(values) and len(values) >= 2
    for page in sorted((published_site / "methods").glob("*.html")):
        browser.open(page)
        assert browser.errors() == [], page.name
