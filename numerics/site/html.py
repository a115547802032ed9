"""The documentation as a static HTML site: MkDocs with the Material theme, math as MathML.

:func:`build_html` reads the Markdown pages of a docs folder (generated and hand-written),
executes the tutorial notebook and renders it with its outputs, and runs MkDocs into
``site`` (``docs/_site`` by default, which git ignores).  The navigation groups pages by
topic (:data:`SECTIONS`, first matching prefix wins; a page no section claims goes under
"More", so none is dropped).  Every formula becomes MathML while the site is built, so a
page needs no script and no other host to show its math; Material's fonts are switched
off for the same reason.  A formula that cannot be converted is reported with its page
in :attr:`HtmlSite.failures`.

Examples
========

>>> import tempfile, pathlib
>>> docs = pathlib.Path(tempfile.mkdtemp())
>>> _ = (docs / "index.md").write_text("# Home\\n\\nSee [a step](batchnorm.dx.md).\\n")
>>> _ = (docs / "batchnorm.dx.md").write_text("# The input gradient\\n\\n$$\\n\\\\frac{1}{m}\\n$$\\n")
>>> nav(docs)
[{'Home': 'index.md'}, {'Batch normalization': [{'The input gradient': 'batchnorm.dx.md'}]}]
>>> built = build_html(docs, docs.parent / (docs.name + "-site"), notebook=None)
>>> built.failures, "<mfrac>" in (built.site / "batchnorm.dx.html").read_text()
((), True)
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from numerics.site.mathml import Formula, MathError, split_math, to_mathml
from numerics.site.notebook import NotebookError, execute, to_page

SITE_DIR = "_site"
TUTORIAL = "tutorial.ipynb"
SITE_MARK = ".derivkit-site"  # in a folder derivkit built a site into (hidden: MkDocs' cleaning keeps it)
SITE_DESCRIPTION = "Derived, machine-verified mathematics of neural-network optimization"

# (navigation heading, page-name prefixes); a page belongs to the first section that claims it.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Start here", ("index", "tutorial", "architecture")),
    ("Batch normalization", ("batchnorm",)),
    ("Second order", ("newton", "curvature", "beale")),
    ("Quasi-Newton", ("quasi_newton", "conjugate_gradient")),
    ("First-order", ("first_order",)),
    ("Regularization", ("regularization.", "dropout", "ensembles", "initialization")),
    ("Curvature of networks", ("mlp",)),
    ("Checking derivations", ("check",)),
    ("Benchmarks", ("bench", "performance")),
    ("Errata", ("regularization-errata",)),
)
MORE = "More"
_SKIP = {SITE_DIR, ".derivkit-manifest.json"}


@dataclass(frozen=True)
class HtmlSite:
    """A built site: where it is, how many pages it has, and the pages that failed to render."""

    site: Path
    pages: int
    failures: tuple[str, ...] = ()


def _title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return path.stem


def _section(rel: str) -> str:
    # Longest matching prefix wins, so "regularization-errata" is not taken by "regularization.".
    best, length = MORE, -1
    for heading, prefixes in SECTIONS:
        for prefix in prefixes:
            if rel.startswith(prefix) and len(prefix) > length:
                best, length = heading, len(prefix)
    return best


def nav(pages: Path) -> list[dict]:
    """MkDocs navigation for the Markdown pages under ``pages``: index first, then :data:`SECTIONS`."""
    files = sorted(str(p.relative_to(pages)) for p in pages.rglob("*.md") if not (_SKIP & set(p.parts)))
    grouped: dict[str, list[dict]] = {}
    for rel in files:
        if rel != "index.md":
            grouped.setdefault(_section(rel), []).append({_title(pages / rel): rel})
    out: list[dict] = [{"Home": "index.md"}] if "index.md" in files else []
    for heading in [h for h, _ in SECTIONS] + [MORE]:
        if heading in grouped:
            out.append({heading: grouped[heading]})
    return out


def _math_plugin():
    from mkdocs.plugins import BasePlugin

    class MathToMathML(BasePlugin):
        """Formulas out of the Markdown before it is parsed, MathML into the HTML after."""

        def __init__(self):
            super().__init__()
            self.failures: list[str] = []
            self._formulas: dict[str, list[str]] = {}

        def on_page_markdown(self, markdown, page, **kwargs):
            rendered: list[str] = []
            text: list[str] = []
            for piece in split_math(markdown):
                if not isinstance(piece, Formula):
                    text.append(piece)
                    continue
                try:
                    mathml = to_mathml(piece.latex, piece.display)
                except MathError as exc:
                    self.failures.append(f"{page.file.src_uri}: {exc}")
                    mathml = f"<code>{piece.latex}</code>"
                if piece.display:
                    mathml = f'<div class="math-display">{mathml}</div>'
                rendered.append(mathml)
                mark = f"DKMATH{len(rendered) - 1}X"
                text.append(f"\n\n{mark}\n\n" if piece.display else mark)
            self._formulas[page.file.src_uri] = rendered
            return "".join(text)

        def on_page_content(self, html, page, **kwargs):
            rendered = self._formulas.pop(page.file.src_uri, [])
            return re.sub(r"(?:<p>)?DKMATH(\d+)X(?:</p>)?", lambda m: rendered[int(m.group(1))], html)

    return MathToMathML()


_CSS = """.math-display { overflow-x: auto; margin: 1em 0; }
.math-display math { font-size: 1.15em; }
"""


def _stage(docs: Path, staging: Path, notebook: Path | None) -> list[str]:
    """Copy the pages of ``docs`` into ``staging``; a symbolic link is left out (its target may be any file)."""
    failures = []

    def left_out(folder, names):
        links = [n for n in names if Path(folder, n).is_symlink()]
        failures.extend(f"{Path(folder, n).relative_to(docs)}: a symbolic link, left out of the site" for n in links)
        return [n for n in names if n in _SKIP or n.endswith(".ipynb")] + links

    shutil.copytree(docs, staging, ignore=left_out)
    if notebook is not None and notebook.exists():
        try:
            page = to_page(execute(notebook), notebook.stem)
        except NotebookError as exc:
            failures.append(f"{notebook.name}: {exc}")
        else:
            (staging / f"{notebook.stem}.md").write_text(page.markdown, encoding="utf-8")
            for rel, data in page.files:
                (staging / rel).parent.mkdir(parents=True, exist_ok=True)
                (staging / rel).write_bytes(data)
    (staging / "stylesheets").mkdir(exist_ok=True)
    (staging / "stylesheets" / "math.css").write_text(_CSS)
    return failures


def _built_by_derivkit(site: Path) -> bool:
    """A site folder derivkit built: its mark, or (built before the mark existed) derivkit's own index page."""
    if (site / SITE_MARK).is_file():
        return True
    index = site / "index.html"
    try:
        head = index.read_bytes()[: 1 << 16].decode("utf-8", errors="replace") if index.is_file() else ""
    except OSError:
        return False
    return f'<meta name="description" content="{SITE_DESCRIPTION}">' in head


def check_site(docs: Path, site: Path | None = None, option: str = "--site") -> Path:
    """The folder the site goes to (default ``docs/_site``), if MkDocs may empty it; an :class:`InputError` if not.

    MkDocs removes everything in its site folder (but hidden files) before it builds.  So
    the folder must be new, empty, or one derivkit built a site into; and it must not be
    ``docs`` or hold it.

    >>> import tempfile, pathlib
    >>> home = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (home / "mine.txt").write_text("the user's")
    >>> check_site(home / "docs", home)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    derivations.errors.InputError: --site ... holds the docs folder ...
    >>> check_site(home / "docs", home / "html") == (home / "html").resolve()
    True
    """
    from derivations.errors import InputError
    from numerics.site.manifest import check_writable

    docs = Path(docs).resolve()
    chosen = Path(site) if site is not None else docs / SITE_DIR
    check_writable(chosen, option)
    site = chosen.resolve()
    if site == docs or docs.is_relative_to(site):
        raise InputError(f"{option} {chosen} holds the docs folder {docs}: MkDocs empties its site folder before "
                         "it builds; give a folder of its own such as site")
    theirs = sorted(e.name for e in site.iterdir() if not e.name.startswith("."))
    if theirs and not _built_by_derivkit(site):
        raise InputError(f"{option} {chosen} holds files derivkit did not build (such as {theirs[0]}): MkDocs "
                         "empties its site folder before it builds; give a new or empty folder")
    return site


def _mark(site: Path) -> None:
    """Leave :data:`SITE_MARK` in ``site``: a regular file, never written through a symbolic link."""
    import errno
    import os

    from derivations.errors import InputError

    try:
        fd = os.open(site / SITE_MARK, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EISDIR):
            raise InputError(f"{site / SITE_MARK} is a symbolic link or a folder; remove it") from None
        raise
    with os.fdopen(fd, "w") as f:
        f.write("a site derivkit docs built; the next build empties this folder first\n")


def build_html(docs: Path, site: Path | None = None, notebook: Path | None | str = "default") -> HtmlSite:
    """Build the HTML site from the pages in ``docs`` into ``site`` (default ``docs/_site``).

    ``notebook`` is the tutorial to execute and render (default ``docs/tutorial.ipynb``;
    ``None`` for none).  MkDocs' own warnings (a link to a missing page, say) count as failures.
    ``site`` must pass :func:`check_site` (new, empty or derivkit's): MkDocs empties it.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    docs = Path(docs).resolve()
    site = check_site(docs, site)
    _mark(site)
    notebook = docs / TUTORIAL if notebook == "default" else notebook
    with tempfile.TemporaryDirectory(prefix="derivkit-site-") as tmp:
        staging = Path(tmp) / "pages"
        failures = _stage(docs, staging, None if notebook is None else Path(notebook))
        settings = dict(
            site_name="derivkit",
            site_description=SITE_DESCRIPTION,
            docs_dir=str(staging),
            site_dir=str(site),
            use_directory_urls=False,
            nav=nav(staging),
            theme={"name": "material", "font": False, "features": ["navigation.sections", "navigation.top",
                                                                   "search.highlight", "toc.follow"]},
            plugins=["search"],  # not "offline": it loads a shim from a CDN
            markdown_extensions=["admonition", "attr_list", "md_in_html", "sane_lists", "tables", "toc",
                                 {"pymdownx.highlight": {"use_pygments": True}}, "pymdownx.superfences"],
            extra_css=["stylesheets/math.css"],
            exclude_docs="*.py\n",
            validation={"links": {"not_found": "warn", "absolute_links": "warn", "unrecognized_links": "warn"}},
        )
        config_file = Path(tmp) / "mkdocs.yml"
        config_file.write_text(json.dumps(settings, indent=1))  # JSON is YAML
        config = load_config(config_file=str(config_file))
        plugin = _math_plugin()
        config.plugins["derivkit-math"] = plugin
        warnings = _Collect()
        log = logging.getLogger("mkdocs")
        log.addHandler(warnings)
        try:
            build(config)
        finally:
            log.removeHandler(warnings)
        pages = len(list(site.rglob("*.html")))
    return HtmlSite(site, pages, tuple(failures + plugin.failures + warnings.messages))


class _Collect(logging.Handler):
    """MkDocs' warnings, kept as failures of the build."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())
