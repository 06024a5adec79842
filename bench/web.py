"""The web app with a cold cache in Chromium: time to the clip list's first row and to the ranking chart.

    .venv/bin/python bench/web.py [--runs 5] [--baseline /path/to/other/checkout]

Builds a throwaway embedded server (migrate + seed_demo in a temporary var dir) serving the built
web app (frontend/dist: build it first, `cd frontend && npm run build`), signs in once as the
inspection lead, then for each run opens a new browser context (empty HTTP cache, the session
cookie only) and measures from navigation start, inside the page (Performance API):
  clips:   /review/clips until the first clip row (a real one: rows exist only with data) is painted
  ranking: /accountability/ranking until the ranking chart (drawn only from data) is painted
"Painted" is taken in the page itself: a MutationObserver installed before the app's scripts notes
when the element is first in the document with a box in the viewport, then the frame after it is
awaited (next animation frame, then a task), so neither polling nor a round trip to the browser is
counted. Printed beside it: when each request of the way there started and ended (session probe,
the app's code, the workspaces' strings, the page's code, its first data request), medians of each.
Also prints how the largest start-up script is served (size, encoding, Cache-Control).

With --baseline DIR (another checkout with its own .venv and built frontend/dist, e.g. a
worktree of main) the same is measured there, in turn with this one, and the ratios printed
(target: <= 0.5x for both pages).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import re
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
TARGET = 0.5
PAGES = {"clips": ("/review/clips", "[data-testid^=clip-row-]"),
         "ranking": ("/accountability/ranking", "svg.chart")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_flags(root: Path) -> list[str]:
    match = re.search(r"^SERVE_FLAGS\s*:=\s*(.+)$", (root / "Makefile").read_text(), re.MULTILINE)
    return shlex.split(match.group(1)) if match else ["--lifespan", "off", "--ws", "websockets"]


@contextlib.contextmanager
def server(root: Path) -> Iterator[str]:
    if not (root / "frontend" / "dist" / "index.html").is_file():
        raise SystemExit(f"{root}/frontend/dist is not built: cd frontend && npm run build")
    python = str(root / ".venv" / "bin" / "python")
    var = tempfile.mkdtemp(prefix="cw-bench-web-")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CELERY_", "MINIO_", "REDIS_", "DATABASE_URL", "TEST_DB"))}
    env.update({"DJANGO_SETTINGS_MODULE": "backend.settings", "COUNTERWATCH_VAR_DIR": var,
                "COUNTERWATCH_BACKGROUND": "0", "LOG_LEVEL": "WARNING", "LOGIN_THROTTLE_RATE": "1000/min",
                "TWO_FACTOR_REQUIRED_ROLES": ""})
    for args in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        out = subprocess.run([python, "manage.py", *args], cwd=root, env=env, capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(f"manage.py {args[0]} failed in {root}:\n{out.stderr[-3000:]}")
    port = free_port()
    proc = subprocess.Popen([python, "-m", "uvicorn", "backend.asgi:application", "--host", "127.0.0.1",
                             "--port", str(port), *serve_flags(root), "--no-access-log", "--log-level", "warning"],
                            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/api/health/", timeout=2):  # noqa: S310 - local
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit(f"the server in {root} did not start") from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def sign_in(browser: Any, base: str) -> Any:
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("input[name=username]", "lead")
    page.fill("input[name=password]", "Demo@12345")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=user]", timeout=30_000)
    state = context.storage_state()
    context.close()
    return state


# Installed in every page before its own scripts: the moment the first matching element is in the
# document with a box inside the viewport (`dom`), and the moment after the frame that shows it has
# been painted (`paint`: the next animation frame, then a task after it). Polling from outside the page
# would add the polling interval and a round trip to the figure.
WATCH = """
(selector) => {
  window.__cwShown = null;
  const seen = () => {
    const el = document.querySelector(selector);
    if (!el) return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.top < innerHeight && box.bottom > 0;
  };
  const check = () => {
    if (window.__cwDom || !seen()) return;
    const dom = performance.now();
    window.__cwDom = dom;
    requestAnimationFrame(() => setTimeout(() => { window.__cwShown = { dom, paint: performance.now() }; }, 0));
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true });
}
"""

# the requests of the breakdown: [name, part of the address], the first one matching
STEPS = [("session", "/api/auth/session/"), ("entry", "/assets/index-"), ("vendor", "/assets/vendor-"),
         ("shell", "/assets/shell-"), ("strings", "/assets/workspaces-"),
         ("page code", "Page-"), ("data", "/api/media/clips/"), ("data", "/api/accountability/rankings/")]


def one_run(browser: Any, base: str, state: Any, page_name: str) -> dict[str, float]:
    path, selector = PAGES[page_name]
    context = browser.new_context(storage_state=state, viewport={"width": 1440, "height": 900})
    try:
        context.add_init_script(f"({WATCH})({selector!r})")
        page = context.new_page()
        page.goto(base + path, wait_until="commit")
        page.wait_for_function("window.__cwShown", timeout=30_000, polling=100)
        shown = page.evaluate("window.__cwShown")
        entries = page.evaluate(
            "performance.getEntriesByType('resource').map(e => [e.name, e.startTime, e.responseEnd])")
        out = {"shown": shown["paint"], "in document": shown["dom"]}
        for name, start, end in entries:
            for step, part in STEPS:
                if part in name and f"{step} start" not in out:
                    out[f"{step} start"] = start
                    out[f"{step} end"] = end
                    break
        return out
    finally:
        context.close()


def asset_facts(base: str) -> str:
    """How the largest script the app starts with is served (index.html's scripts and what they load)."""
    html = urllib.request.urlopen(base + "/").read().decode()  # noqa: S310 - local
    names = set(re.findall(r'"/(assets/[^"]+\.js)"', html))
    for name in list(names):
        text = urllib.request.urlopen(f"{base}/{name}").read().decode()  # noqa: S310 - local
        names.update(re.findall(r"(assets/[\w.-]+\.js)", text))
        names.update("assets/" + n for n in re.findall(r'"\./([\w.-]+\.js)"', text))
    if not names:
        return "main script: not found in index.html"
    sizes = {n: len(urllib.request.urlopen(f"{base}/{n}").read()) for n in names}  # noqa: S310 - local
    largest = max(sizes, key=lambda n: sizes[n])
    req = urllib.request.Request(f"{base}/{largest}", headers={"Accept-Encoding": "br, gzip"})
    with urllib.request.urlopen(req) as r:  # noqa: S310 - local
        body = r.read()
        encoding = r.headers.get("Content-Encoding") or "none"
        cache = r.headers.get("Cache-Control") or "-"
    return (f"largest script /{largest}: {sizes[largest] / 1024:.0f} KB, sent {len(body) / 1024:.0f} KB "
            f"(Content-Encoding: {encoding}); Cache-Control: {cache}")


def report(label: str, result: dict[str, dict[str, list[float]]]) -> None:
    print(f"{label} (median ms from navigation start, cold cache):")
    for name, values in result.items():
        print(f"  {name:8} row/chart painted {statistics.median(values['shown']):.0f} "
              f"(in the document {statistics.median(values['in document']):.0f})")
        steps = [f"{step} {statistics.median(values[step + ' start']):.0f}-{statistics.median(values[step + ' end']):.0f}"
                 for step, _ in dict.fromkeys(STEPS) if f"{step} start" in values
                 and len(values[step + " start"]) == len(values["shown"])]
        print("           requests (start-end): " + ", ".join(dict.fromkeys(steps)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="another checkout to measure in the same run")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"web: skipped, Chromium not found at {CHROMIUM} (set CW_CHROMIUM)")
        return 0
    if not (ROOT / "frontend" / "dist" / "index.html").is_file():
        print("web: skipped, the web app is not built (cd frontend && npm run build)")
        return 0
    from playwright.sync_api import sync_playwright

    with contextlib.ExitStack() as stack:
        here = stack.enter_context(server(ROOT))
        there = stack.enter_context(server(args.baseline.resolve())) if args.baseline else None
        p = stack.enter_context(sync_playwright())
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        stack.callback(browser.close)
        results: dict[str, dict[str, dict[str, list[float]]]] = {"this checkout": {}, "baseline": {}}
        sides = [(label, base, sign_in(browser, base))
                 for label, base in (("this checkout", here), ("baseline", there)) if base is not None]
        for _label, base, state in sides:  # warm the servers (not the browser: every run has a new cache)
            for name in PAGES:
                one_run(browser, base, state, name)
        for _ in range(args.runs):  # one run of each in turn: the machine's load falls on both
            for label, base, state in sides:
                for name in PAGES:
                    for key, value in one_run(browser, base, state, name).items():
                        results[label].setdefault(name, {}).setdefault(key, []).append(value)
        report(f"this checkout ({ROOT})", results["this checkout"])
        print("  " + asset_facts(here))
        if there:
            report(f"baseline ({args.baseline})", results["baseline"])
            print("  " + asset_facts(there))
            for name in PAGES:
                ratio = (statistics.median(results["this checkout"][name]["shown"])
                         / statistics.median(results["baseline"][name]["shown"]))
                print(f"{name}: {ratio:.2f}x the baseline (target <= {TARGET}x): "
                      f"{'met' if ratio <= TARGET else 'NOT met'}")
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; Chromium {browser.version}, "
              f"headless, server and browser on the same machine; {args.runs} runs per page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
