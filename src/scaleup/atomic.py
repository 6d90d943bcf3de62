"""Write elsewhere, then move into place: a failed command leaves its outputs untouched."""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def staged_dir(out: Path) -> Iterator[Path]:
    """Yield an empty staging folder; on success move its files into ``out``.

    The staging folder sits beside ``out`` (same file system), so each file lands by an
    atomic rename. If the body raises, the staging folder is removed and ``out`` is
    exactly as it was (not even created).
    """
    out = Path(out)
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=parent))
    try:
        yield stage
        out.mkdir(parents=True, exist_ok=True)
        for src in sorted(stage.rglob("*")):
            rel = src.relative_to(stage)
            dest = out / rel
            if src.is_dir():
                dest.mkdir(parents=True, exist_ok=True)
            else:
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(src, dest)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _umask() -> int:
    """The process's umask (read by setting it, then putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def staged_file(dest: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``dest``; on success rename it onto ``dest``."""
    dest = Path(dest)
    dest.resolve().parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", dir=dest.resolve().parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())  # as open() would make it, not mkstemp's 0600
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, dest)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


# --- one atomic switch of a whole folder -------------------------------------------------

KILL_AT_ENV = "SCALEUP_TEST_KILL_AT"
"""Test hook: a step name; the process kills itself (SIGKILL) when it reaches that step."""

STAGING = ".staging-"


def checkpoint(step: str) -> None:
    """A named step of an all-or-nothing write. When ``SCALEUP_TEST_KILL_AT`` names it, the
    process dies at once (SIGKILL, no clean-up), as a power cut or ``kill -9`` would: the
    kill-at-every-step tests prove the output is then the old or the new one, whole."""
    if os.environ.get(KILL_AT_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)


_RENAME_EXCHANGE = 2
_renameat2: Any = None


def exchange(a: Path, b: Path) -> bool:
    """Swap the two paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``);
    False when the system or file system cannot (then nothing changed)."""
    global _renameat2
    if _renameat2 is None:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            func = libc.renameat2
            func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
            func.argtypes += [ctypes.c_uint]
            func.restype = ctypes.c_int
            _renameat2 = func
        except (OSError, AttributeError):
            _renameat2 = False
    if _renameat2 is False:
        return False
    at_cwd = -100
    done = _renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), _RENAME_EXCHANGE)
    if done == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


@contextmanager
def folder_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder that holds ``out`` (one writer at a time swaps
    folders there; a staging folder found under the lock is a dead writer's)."""
    parent = Path(out).resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def stagings(out: Path) -> list[Path]:
    """The staging folders of ``out`` beside it (a dead writer's are left-overs)."""
    out = Path(out).resolve()
    return sorted(out.parent.glob(f".{out.name}{STAGING}*"))


def new_staging(out: Path) -> Path:
    out = Path(out).resolve()
    return Path(tempfile.mkdtemp(prefix=f".{out.name}{STAGING}", dir=out.parent))


def switch(stage: Path, out: Path) -> None:
    """Make the complete folder ``stage`` the folder ``out`` in one atomic step; the old
    ``out`` (if any) is then deleted. A kill at any moment leaves ``out`` whole, old or new;
    what remains of ``stage`` is removed by :func:`recover` on the next run."""
    out = Path(out).resolve()
    if not out.exists():
        os.rename(stage, out)
        checkpoint("switched")
        return
    if not exchange(stage, out):
        # No atomic exchange here: two renames; a kill between them leaves ``out`` missing
        # and :func:`recover` puts the new folder (``stage``) in place.
        old = stage.with_name(stage.name + "-old")
        os.rename(out, old)
        os.rename(stage, out)
        stage = old
    checkpoint("switched")
    shutil.rmtree(stage, ignore_errors=True)


def recover(out: Path) -> None:
    """After a killed writer: put a complete new folder in place when ``out`` is missing
    between the two renames of the fallback switch, then remove every staging folder.
    Call with :func:`folder_lock` held."""
    out = Path(out).resolve()
    found = stagings(out)
    if not out.exists():
        halves = {p.name for p in found}
        for p in found:
            if p.name.endswith("-old") and p.name[: -len("-old")] in halves:
                os.rename(p.with_name(p.name[: -len("-old")]), out)
                break
    for p in stagings(out):
        shutil.rmtree(p, ignore_errors=True)


def foreign_entries(out: Path, expected: set[str]) -> list[str]:
    """What ``out`` holds beyond the ``expected`` names (a folder the writer does not own)."""
    out = Path(out)
    if not out.is_dir():
        return []
    return sorted(p.name for p in out.iterdir() if p.name not in expected)


class NotOwned(Exception):
    """An output folder holds files its writer did not write: it is never replaced."""

    def __init__(self, out: Path, foreign: list[str]):
        self.out, self.foreign = Path(out), foreign
        shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        super().__init__(f"holds files this command does not write ({shown})")


@contextmanager
def replaced_dir(out: Path, expected: set[str]) -> Iterator[Path]:
    """Yield an empty staging folder beside ``out``; on success it *becomes* ``out`` in one
    atomic switch (files of the old ``out`` that the new one lacks go too). On an error the
    staging folder is removed and ``out`` is as it was. A staging folder a killed writer
    left is removed first.

    ``out`` must be new, or hold only ``expected`` names: an existing folder with other
    files (e.g. ``--out .``) is refused (:class:`NotOwned`), never replaced.
    """
    out = Path(out)
    with folder_lock(out):
        recover(out)
        foreign = foreign_entries(out, expected)
        if foreign:
            raise NotOwned(out, foreign)
        stage = new_staging(out)
        try:
            yield stage
            checkpoint("staged")
            switch(stage, out)
        finally:
            if stage.exists():
                shutil.rmtree(stage, ignore_errors=True)
