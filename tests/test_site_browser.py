"""The HTML site in a real browser: every page loads in headless Chromium with its math rendered.

The site is built from the pages in ``docs/`` (derivation pages rendered afresh by the
current printer, so a formula the printer gets wrong fails here) and the tutorial notebook,
served on 127.0.0.1, and every page is loaded.  On each page: no raw LaTeX outside math
elements (``$$``, ``\\frac``, ``\\partial``, ``\\sum``), no LaTeX command left inside one,
every image loaded (naturalWidth > 0), no console error or uncaught exception, no request
to any host but the local server, and every internal link resolves to a built file (and
its ``#fragment`` to an element of that page).  Screenshots of three pages are saved in
``build/site-test/`` for review.  Without Chromium the test fails; it is never skipped.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from chromium import Chromium  # noqa: E402

from derivations import registry  # noqa: E402
from derivations.render import to_markdown  # noqa: E402
from numerics.site.html import build_html  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "site-test"
SCREENSHOTS = ("index.html", "batchnorm.dx.html", "tutorial.html")

RAW_LATEX = re.compile(r"\$\$|\\frac|\\partial|\\sum|\\left|\\mathbf|\\hat\{")

PAGE_FACTS = r"""
(async () => {
  await Promise.all([...document.images].map(img => img.complete ? null :
      new Promise(done => { img.addEventListener('load', done); img.addEventListener('error', done); })));
  const raw = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.closest('math, script, style, code, pre')) raw.push(node.textContent);
  }
  return {
    text: raw.join(' '),
    mathText: [...document.querySelectorAll('math')].map(m => m.textContent),
    math: document.querySelectorAll('math').length,
    images: [...document.images].map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0]),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    ids: [...document.querySelectorAll('[id]')].map(e => e.id),
  };
})()
"""

SEARCH = r"""
(async () => {
  const input = document.querySelector('input[data-md-component="search-query"]');
  input.focus();
  input.value = 'Hessian';
  input.dispatchEvent(new Event('input', {bubbles: true}));
  input.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true, key: 'n'}));
  for (let i = 0; i < 100; i++) {
    const hits = document.querySelectorAll('.md-search-result__item');
    if (hits.length) return [...hits].map(h => h.querySelector('a').getAttribute('href'));
    await new Promise(done => setTimeout(done, 100));
  }
  return [];
})()
"""

STEP_NUMBERS = "[...document.querySelectorAll('article ol')].map(ol => ol.start)"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    docs = tmp_path_factory.mktemp("docs")
    shutil.copytree(ROOT / "docs", docs, dirs_exist_ok=True, ignore=shutil.ignore_patterns("_site"))
    for name in registry.names():  # the current printer's math, not the last committed build's
        (docs / f"{name}.md").write_text(to_markdown(registry.get(name)), encoding="utf-8")
    shutil.rmtree(OUT, ignore_errors=True)
    built = build_html(docs, OUT / "site", notebook=ROOT / "docs" / "tutorial.ipynb")
    assert not built.failures, "pages that failed to render:\n" + "\n".join(built.failures)
    return built


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(_Quiet, directory=str(site.site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _problems(event: dict, origin: str) -> list[str]:
    method, params = event.get("method"), event.get("params", {})
    if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
        return ["console: " + " ".join(str(a.get("value", a.get("description"))) for a in params.get("args", []))]
    if method == "Runtime.exceptionThrown":
        details = params.get("exceptionDetails", {})
        return ["exception: " + str(details.get("exception", {}).get("description", details.get("text")))]
    if method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
        entry = params["entry"]
        return [f"log: {entry.get('text')} {entry.get('url', '')}"]
    if method == "Network.requestWillBeSent":
        url = params.get("request", {}).get("url", "")
        if not (url.startswith(origin) or url.startswith(("data:", "blob:", "about:"))):
            return [f"request to another host: {url}"]
    return []


def test_every_page_renders_in_chromium(site, server):
    pages = sorted(str(p.relative_to(site.site)) for p in site.site.rglob("*.html"))
    assert len(pages) >= 80 and "tutorial.html" in pages and "index.html" in pages
    problems: dict[str, list[str]] = {}
    ids: dict[str, set[str]] = {}
    links: dict[str, set[str]] = {}
    math_pages = 0
    with Chromium() as browser:
        for rel in pages:
            browser.events.clear()
            browser.open(f"{server}/{rel}")
            facts = browser.evaluate(PAGE_FACTS)
            found = [p for e in browser.events for p in _problems(e, server)]
            raw = sorted(set(RAW_LATEX.findall(facts["text"])))
            if raw:
                found.append(f"raw LaTeX outside math: {raw}")
            commands = [t for t in facts["mathText"] if re.search(r"\\[A-Za-z]+", t)]
            if commands:
                found.append(f"LaTeX command inside math: {commands[:3]}")
            found += [f"image not loaded: {src}" for src, ok in facts["images"] if not ok]
            if found:
                problems[rel] = found
            ids[rel] = set(facts["ids"])
            links[rel] = {h for h in facts["links"] if h.startswith(server)}
            math_pages += facts["math"] > 0
            if rel in SCREENSHOTS:
                browser.screenshot(OUT / rel.replace(".html", ".png"))
            if rel == "batchnorm.forward.html":  # steps keep their numbers: 1, 2, 3, ...
                starts = browser.evaluate(STEP_NUMBERS)
                assert starts[:4] == [1, 2, 3, 4], starts
        browser.open(f"{server}/index.html")  # search works offline, from the site's own index
        hits = browser.evaluate(SEARCH)
    for rel, hrefs in links.items():
        for href in hrefs:
            parts = urlsplit(href)
            target = unquote(parts.path).lstrip("/") or "index.html"
            if target.endswith("/"):
                target += "index.html"
            if not (site.site / target).is_file():
                problems.setdefault(rel, []).append(f"broken link: {href}")
            elif parts.fragment and target in ids and unquote(parts.fragment) not in ids[target]:
                problems.setdefault(rel, []).append(f"missing anchor: {href}")
    assert len(hits) >= 3 and all(h.startswith(server) or not h.startswith("http") for h in hits), hits
    assert not problems, "\n".join(f"{rel}: {p}" for rel, ps in sorted(problems.items()) for p in ps)
    assert math_pages >= 70, f"only {math_pages} pages show MathML"
    for shot in SCREENSHOTS:
        assert (OUT / shot.replace(".html", ".png")).stat().st_size > 10_000
