"""Writing report files safely: never overwrite without ``force``, never leave half a file.

A file is written to a temporary file beside the target, then moved into place in one step. The
temporary file is removed when the write fails, when the process is interrupted (Ctrl-C) or
terminated (SIGTERM, SIGHUP: the handlers of :func:`cleanup_on_signals`, which the CLI installs);
a process killed outright (SIGKILL, a power cut) cannot clean up, so its temporary file carries
the host and process id in its name, ``.<target>.<host>-<pid>.<random>.greenroute-tmp``, and the
next write to that folder removes it once that process is gone (or after a day, for files of
other hosts or reused process ids). A 100-million-point sweep once left 9.7 GB of such files.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from lca.errors import OutputError

TEMP_SUFFIX = ".greenroute-tmp"
STALE_AFTER_S = 24 * 3600  # a temporary file untouched this long belongs to no running write
_TEMP_NAME = re.compile(r"^\..+\.([0-9a-f]{8})-(\d+)\.[^.]+" + re.escape(TEMP_SUFFIX) + "$")


def _host() -> str:
    import socket  # here, not at the top: `lca --help` and the terminal output do not need it

    return f"{zlib.crc32(socket.gethostname().encode()):08x}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists (another user's), or cannot be told: keep its file
    return True


def remove_stale_temporaries(folder: str | Path) -> list[Path]:
    """Remove greenroute's temporary files in ``folder`` left by writes that cannot finish.

    A file is stale when the process that made it (on this host) no longer runs, or when it has
    not been touched for :data:`STALE_AFTER_S` seconds. Returns the files removed.
    """
    removed: list[Path] = []
    now = time.time()
    try:
        candidates = list(Path(folder).glob(f".*{TEMP_SUFFIX}"))
    except OSError:
        return removed
    for path in candidates:
        match = _TEMP_NAME.match(path.name)
        if match is None:
            continue
        host, pid = match.group(1), int(match.group(2))
        try:
            old = now - path.stat().st_mtime > STALE_AFTER_S
        except OSError:
            continue
        gone = host == _host() and pid != os.getpid() and not _alive(pid)
        if gone or old:
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def check_target(path: str | Path, force: bool) -> Path:
    """The output path, after checking it may be written.

    Raises
    ------
    OutputError
        If the file exists and ``force`` is false, it is a folder, its folder does not exist
        or cannot be written to.
    """
    path = Path(path)
    if path.exists() and not force:
        raise OutputError(
            f"{path} already exists; pass --force to overwrite it or choose another file name"
        )
    if path.exists() and path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name")
    if not path.parent.is_dir():
        raise OutputError(f"{path.parent} does not exist; create the folder first")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write to the folder {path.parent}; choose another folder")
    return path


def write_atomically(path: str | Path, write: Callable[[Path], None], force: bool = False) -> Path:
    """Call ``write(tmp_path)`` on a temporary file beside ``path``, then move it into place.

    The target is replaced in one step (``os.replace``), so a reader never sees a partial file
    and an error leaves whatever was there before untouched.

    Raises
    ------
    OutputError
        If the target may not be written (see :func:`check_target`) or the operating system
        refuses the write (permissions, a full disk), with the reason.
    """
    path = check_target(path, force)
    remove_stale_temporaries(path.parent)
    import tempfile

    try:
        handle, tmp = tempfile.mkstemp(
            prefix=f".{path.name}.{_host()}-{os.getpid()}.", suffix=TEMP_SUFFIX, dir=path.parent
        )
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    os.close(handle)
    tmp_path = Path(tmp)
    try:
        # mkstemp creates 0600 files; a report should get the permissions any new file gets
        umask = os.umask(0)
        os.umask(umask)
        tmp_path.chmod(0o666 & ~umask)
        write(tmp_path)
        if path.exists() and not force:  # created meanwhile by someone else: keep theirs
            raise OutputError(f"{path} appeared while writing; nothing was overwritten")
        os.replace(tmp_path, path)
    except OSError as exc:
        if isinstance(exc, OutputError):
            raise
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        tmp_path.unlink(missing_ok=True)
    return path


def write_text(path: str | Path, text: str, force: bool = False) -> Path:
    """Write ``text`` as UTF-8 through :func:`write_atomically`."""

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return write_atomically(path, write, force)


class Terminated(SystemExit):
    """Raised in the main thread by :func:`cleanup_on_signals` when a signal asks to stop."""


@contextlib.contextmanager
def cleanup_on_signals(signals: tuple[str, ...] = ("SIGTERM", "SIGHUP")) -> Iterator[None]:
    """Turn termination signals into an exception inside the block, so that ``finally``
    clauses (a temporary file's removal among them) run; the previous handlers come back after.

    The exit status is 128 + the signal number, as a shell reports a process killed by it.
    Only the command-line program installs this: a library must not take over signals.
    """

    def stop(signum, frame):
        raise Terminated(128 + signum)

    previous = {}
    for name in signals:
        number = getattr(signal, name, None)
        if number is not None:
            with contextlib.suppress(ValueError, OSError):  # not the main thread
                previous[number] = signal.signal(number, stop)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
