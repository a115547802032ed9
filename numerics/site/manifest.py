"""Writing generated files into a user's folder without ever losing a file of theirs.

The folder's manifest (``.derivkit-manifest.json``) maps each path derivkit
wrote, relative to the folder, to the SHA-256 of what it wrote.  The rules:

* a file is replaced or deleted only if the manifest lists it and its content
  still has a listed digest (not edited since); everything else is left alone;
* a manifest path must resolve inside the folder, through no symbolic link,
  or it is ignored with a warning — never followed, never deleted;
* every file is written to a temporary file in its folder and renamed into place; the
  temporary is named for what it holds (``.NAME.<first 16 hex digits of its digest>.derivkit-tmp``,
  the manifest's own ``.derivkit-manifest.json.<16 hex>.derivkit-tmp``), so a temporary left by a
  writer that was killed (SIGKILL, power loss) is recognized by the next run and removed: one
  whose digest prefix the manifest lists for that file, or the manifest's; no other file;
* before a file is replaced, the manifest lists both its old and its new digest,
  and it is saved (atomically, by rename) after every file, so an interruption at
  any point leaves files the next run still recognizes as its own;
* one writer at a time: a lock file (``flock``); a second writer waits for it up to a bound
  and then refuses, naming the holder's pid; a lock left by a process that has died is taken
  over (the kernel releases a dead holder's ``flock``);
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
import stat
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterator, Mapping

from derivations.errors import InputError

__all__ = ["MANIFEST", "LOCK", "TEMP", "MAX_LOCK_WAIT", "Written", "check_writable", "digest", "folder_lock",
           "lock_wait", "write_files"]

MANIFEST = ".derivkit-manifest.json"
LOCK = ".derivkit-lock"
TEMP = ".derivkit-tmp"  # suffix of the temporary files renamed into place
TOKEN = 16  # hex digits of the content's digest in a temporary file's name
POLL = 0.05  # s between attempts at a held lock
MAX_LOCK_WAIT = 60.0  # s a writer waits for another at most (and at most a quarter of its own time bound)


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
        fd, probe = tempfile.mkstemp(prefix=".derivkit-write-test-", dir=out)  # a new file: never through a link
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise InputError(f"cannot write to {out}: {exc.strerror or exc}") from None


def _holder(path: Path) -> str:
    """Who holds the lock at ``path``, as its file records it."""
    try:
        pid = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        pid = ""
    if not pid.isdigit():
        return "a process that has not written its pid yet"
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:  # the lock is held through a copy of its file: a process the writer started
        return f"pid {pid}, no longer running: a process it started still holds the lock"
    except (PermissionError, OverflowError):
        pass
    return f"pid {pid}"


def lock_wait(budget: float) -> float:
    """Seconds to wait for a held lock within a command's remaining ``budget``: a quarter of it, at most a minute.

    >>> lock_wait(1800.0), lock_wait(8.0)
    (60.0, 2.0)
    """
    return min(MAX_LOCK_WAIT, 0.25 * max(0.0, budget))


@contextmanager
def folder_lock(out: Path, wait: float = 0.0) -> Iterator[None]:
    r"""Hold ``out``'s lock file for the block, waiting up to ``wait`` seconds for another writer.

    An :class:`InputError` naming the holder's pid when it is still held after ``wait``.  A lock
    file whose writer has died is not held (the kernel released its ``flock``) and is taken over.

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> _ = (out / LOCK).write_text("999999999\n")  # left behind by a writer that died
    >>> with folder_lock(out):
    ...     (out / LOCK).read_text() == f"{os.getpid()}\n"
    True
    """
    path = Path(out) / LOCK
    give_up = time.monotonic() + max(0.0, wait)
    while True:
        try:  # never through a symbolic link: the pid written below would replace the content of its target
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.EISDIR):
                raise InputError(f"the lock file {path} is a symbolic link or a folder; derivkit writes through "
                                 "neither: remove it") from None
            raise
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise InputError(f"the lock file {path} is not a regular file; remove it")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            if time.monotonic() >= give_up:
                waited = f"waited {wait:.1f} s; " if wait > 0 else ""
                raise InputError(f"another derivkit ({_holder(path)}) is writing into {out} (lock {path}); "
                                 f"{waited}wait for it to finish or write into another folder") from None
            time.sleep(POLL)
            continue
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


def _temporary(target: Path, content_digest: str) -> Path:
    """The temporary file beside ``target`` for content with ``content_digest``."""
    return target.with_name(f".{target.name}.{content_digest[:TOKEN]}{TEMP}")


def _write_temporary(tmp: Path, data: bytes) -> None:
    """Create ``tmp`` as a new file holding ``data``: never through a symbolic link, never into another file.

    A regular file already there has this content-addressed name because a killed writer left it:
    it is replaced.  A link or a folder of that name is an ``OSError`` (the caller warns and goes on).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    try:
        fd = os.open(tmp, flags, 0o644)
    except FileExistsError:
        if tmp.is_symlink() or not tmp.is_file():
            raise OSError(errno.EEXIST, f"{tmp.name} is a symbolic link or a folder, not derivkit's temporary file")
        tmp.unlink()
        fd = os.open(tmp, flags, 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _replace(target: Path, data: bytes) -> None:
    """Write ``data`` to its temporary file beside ``target`` and rename it into place."""
    tmp = _temporary(target, digest(data))
    try:
        _write_temporary(tmp, data)
        os.replace(tmp, target)
    finally:
        if tmp.is_file() and not tmp.is_symlink():
            tmp.unlink()


def _is_token(text: str) -> bool:
    return len(text) == TOKEN and all(c in "0123456789abcdef" for c in text)


def _remove_stale_temporaries(out: Path, manifest: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Remove the temporaries a killed writer left: those this folder's manifest names, and the manifest's own.

    Run with the lock held, so no other writer's temporaries are in flight.  A file is removed
    only if it is a regular file (not a link, not a folder) with exactly such a name.
    """
    candidates = [_temporary(out / rel, d) for rel, digests in manifest.items() for d in digests]
    prefix = f".{MANIFEST}."
    candidates += [p for p in out.glob(f"{prefix}*{TEMP}") if _is_token(p.name[len(prefix):-len(TEMP)])]
    removed = []
    for tmp in candidates:
        if tmp.is_file() and not tmp.is_symlink():
            try:
                tmp.unlink()
            except OSError:
                continue
            removed.append(str(tmp.relative_to(out)))
    return tuple(sorted(set(removed)))


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
    stale = _remove_stale_temporaries(out, manifest)
    if stale:
        warnings.append(f"removed {len(stale)} temporary file(s) an interrupted build left: {', '.join(stale)}")
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
    try:
        _save(out, manifest)
    except OSError as exc:
        warnings.append(f"could not save the manifest: {exc.strerror or exc}")
    return Written(tuple(written), tuple(unchanged), tuple(skipped), tuple(removed), tuple(warnings))
