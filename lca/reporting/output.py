"""Writing report files safely: never overwrite without ``force``, never leave half a file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from lca.errors import OutputError


def check_target(path: str | Path, force: bool) -> Path:
    """The output path, after checking it may be written.

    Raises
    ------
    OutputError
        If the file exists and ``force`` is false, or its folder does not exist.
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
    return path


def write_atomically(path: str | Path, write: Callable[[Path], None], force: bool = False) -> Path:
    """Call ``write(tmp_path)`` on a temporary file beside ``path``, then move it into place.

    The target is replaced in one step (``os.replace``), so a reader never sees a partial file
    and an error leaves whatever was there before untouched.
    """
    path = check_target(path, force)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    tmp_path = Path(tmp)
    # mkstemp creates 0600 files; a report should get the permissions any new file gets
    umask = os.umask(0)
    os.umask(umask)
    tmp_path.chmod(0o666 & ~umask)
    try:
        write(tmp_path)
        if path.exists() and not force:  # created meanwhile by someone else: keep theirs
            raise OutputError(f"{path} appeared while writing; nothing was overwritten")
        os.replace(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)
    return path
