"""Writing generated files into a user's folder without ever losing a file of theirs.

The folder's manifest (``.derivkit-manifest.json``) maps each path derivkit
wrote, relative to the folder, to the SHA-256 of what it wrote.  The rules:

* a file is replaced or deleted only if the manifest lists it and its content
  still has a listed digest (not edited since); everything else is left alone;
* a manifest path must resolve inside the folder, through no symbolic link,
  or it is ignored with a warning — never followed, never deleted;
* every file is written to a temporary file in its folder and renamed into place;
* before a file is replaced, the manifest lists both its old and its new digest,
  and it is saved (atomically, by rename) after every file, so an interruption at
  any point leaves files the next run still recognizes as its own;
* one writer at a time: a lock file (``flock``) refuses a second concurrent build;
* a manifest that is not a JSON object of paths to digests is a warning, and the
  build starts from an empty one (files whose content is already right are adopted).

Examples
========

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> _ = (out / "mine.txt").write_text("the user's")
>>> r = write_files({"mine.txt": b"generated", "a.txt": b"generated"}, out)
>>> r.written, r.skipped, (out / "mine.txt").read_text()
(('a.txt',), ('mine.txt',), "the user's")
>>> _ = (out / MANIFEST).write_text('{"../outside.txt": "00", "a.txt": "%s"}' % digest(b"generated"))
>>> r = write_files({}, out)
>>> r.removed, r.warnings
(('a.txt',), ("ignored the manifest entry '../outside.txt': it is not a path inside the folder",))
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterator, Mapping

from derivations.errors import InputError

__all__ = ["MANIFEST", "LOCK", "Written", "check_writable", "digest", "folder_lock", "write_files"]

MANIFEST = ".derivkit-manifest.json"
LOCK = ".derivkit-lock"
TEMP = ".derivkit-tmp"  # suffix of the temporary files renamed into place


@dataclass(frozen=True)
class Written:
    """What :func:`write_files` wrote, found unchanged, left alone and removed, and its warnings."""

    written: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def digest(data: bytes) -> str:
    """The SHA-256 hex digest the manifest records."""
    return hashlib.sha256(data).hexdigest()


def check_writable(out: Path | str, option: str = "--out") -> None:
    """Create ``out`` if needed; an :class:`InputError` if it is ``/``, the home folder, empty or unwritable.

    >>> check_writable(Path("/"))
    Traceback (most recent call last):
    ...
    derivations.errors.InputError: --out / is the root folder; give a folder of its own such as docs
    >>> check_writable("")
    Traceback (most recent call last):
    ...
    derivations.errors.InputError: --out is empty; give a folder such as docs
    """
    if not str(out).strip():
        raise InputError(f"{option} is empty; give a folder such as docs")
    out = Path(out)
    resolved = out.expanduser().resolve()
    if resolved == Path(resolved.anchor):
        raise InputError(f"{option} {out} is the root folder; give a folder of its own such as docs")
    if resolved == Path.home().resolve():
        raise InputError(f"{option} {out} is the home folder; give a folder of its own such as ~/derivkit-docs")
    if out.exists() and not out.is_dir():
        raise InputError(f"{option} {out} exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".derivkit-write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise InputError(f"cannot write to {out}: {exc.strerror or exc}") from None


@contextmanager
def folder_lock(out: Path) -> Iterator[None]:
    """Hold ``out``'s lock file for the block; an :class:`InputError` if another writer holds it."""
    path = Path(out) / LOCK
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise InputError(f"another derivkit is writing into {out} (lock {path}); "
                                 "wait for it to finish") from None
            raise
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:  # not a lock file the previous holder removed after we opened it
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        os.close(fd)


def _inside(out: Path, rel: object) -> bool:
    """Whether ``rel`` names a file strictly inside ``out``: relative, no ``..``, no symbolic link on the way."""
    if not isinstance(rel, str) or not rel or "\\" in rel or "\0" in rel:
        return False
    pure = PurePosixPath(rel)
    if pure.is_absolute() or any(part in ("..", ".", "") for part in rel.split("/")):
        return False
    at = Path(out)
    for part in pure.parts[:-1]:  # no "..": without links on the way the path stays inside
        at = at / part
        if at.is_symlink():
            return False
    return True


def _read_manifest(out: Path, warnings: list[str]) -> dict[str, tuple[str, ...]]:
    path = out / MANIFEST
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        warnings.append(f"the manifest {path} cannot be read ({type(exc).__name__}); starting from an empty one "
                        "(files already there are left alone: remove them to have them regenerated)")
        return {}
    if not isinstance(raw, dict):
        warnings.append(f"the manifest {path} is not a JSON object of paths to digests; starting from an empty one "
                        "(files already there are left alone: remove them to have them regenerated)")
        return {}
    manifest = {}
    for rel, value in raw.items():
        digests = (value,) if isinstance(value, str) else tuple(value) if isinstance(value, list) else ()
        if not digests or not all(isinstance(d, str) for d in digests):
            warnings.append(f"ignored the manifest entry {rel!r}: its digest is not a string")
        elif not _inside(out, rel):
            warnings.append(f"ignored the manifest entry {rel!r}: it is not a path inside the folder")
        else:
            manifest[rel] = digests
    return manifest


def _save(out: Path, manifest: Mapping[str, tuple[str, ...]]) -> None:
    data = {rel: d[0] if len(d) == 1 else list(d) for rel, d in sorted(manifest.items())}
    _replace(out / MANIFEST, (json.dumps(data, indent=1, sort_keys=True) + "\n").encode())


def _replace(target: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``target`` and rename it into place."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}{TEMP}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def _ours(target: Path, listed: tuple[str, ...]) -> tuple[bool, str | None]:
    """(whether derivkit may replace ``target``, its current digest); never through a link or into a folder."""
    if target.is_symlink() or (target.exists() and not target.is_file()):
        return False, None
    if not target.exists():
        return True, None
    current = digest(target.read_bytes())
    return current in listed, current


def write_files(files: Mapping[str, bytes], out: Path, remove_stale: bool = True) -> Written:
    """Write ``files`` (relative path → content) into ``out`` by the rules above.

    With ``remove_stale``, files the manifest lists that are no longer generated are
    deleted (if unedited).  The caller holds :func:`folder_lock` or runs alone.
    """
    out = Path(out)
    warnings: list[str] = []
    manifest = _read_manifest(out, warnings)
    written, unchanged, skipped, removed = [], [], [], []
    for rel, data in sorted(files.items()):
        if not _inside(out, rel):
            warnings.append(f"did not write {rel!r}: it is not a path inside the folder")
            continue
        target = out / rel
        new = digest(data)
        ours, current = _ours(target, manifest.get(rel, ()))
        if current == new:  # already right: adopted even without a manifest entry
            unchanged.append(rel)
            manifest[rel] = (new,)
            continue
        if not ours:
            skipped.append(rel)  # not derivkit's, edited since, a link or a folder
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            manifest[rel] = tuple(d for d in (current, new) if d is not None)  # either content is ours
            _save(out, manifest)
            _replace(target, data)
        except OSError as exc:
            warnings.append(f"could not write {rel}: {exc.strerror or exc}")
            continue
        manifest[rel] = (new,)
        written.append(rel)
    if remove_stale:
        for rel in sorted(set(manifest) - set(files)):
            target = out / rel
            ours, current = _ours(target, manifest[rel])
            if not ours or current is None:  # edited since (now the user's), or gone already
                del manifest[rel]
            else:
                try:
                    target.unlink()
                except OSError as exc:
                    warnings.append(f"could not remove {rel}: {exc.strerror or exc}")
                    continue
                del manifest[rel]
                removed.append(rel)
    _save(out, manifest)
    return Written(tuple(written), tuple(unchanged), tuple(skipped), tuple(removed), tuple(warnings))
