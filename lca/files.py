"""Reading users' text files (recipes, factor CSVs, library metadata) as they come from the world.

Excel and Windows editors save UTF-8 with a byte-order mark, or Windows-1252 (Excel's plain
"CSV"); a file may be far larger than any recipe. Both become one-line errors naming the file and
line, never a ``UnicodeDecodeError`` traceback or minutes of parsing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def decode_text(data: bytes, where: str, error: type[Exception]) -> str:
    """UTF-8 text of a file, with or without a byte-order mark.

    Raises
    ------
    error
        If the bytes are not UTF-8, naming the line and column and, for a byte that
        Windows-1252 reads as text, what it would be there.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start
        line = data.count(b"\n", 0, start) + 1
        column = start - (data.rfind(b"\n", 0, start) + 1) + 1
        byte = data[start : start + 1]
        try:
            guess = f", which Windows-1252 reads as '{byte.decode('cp1252')}'"
        except UnicodeDecodeError:
            guess = ""
        raise error(
            f"{where}: line {line}, column {column}: not UTF-8 text (byte 0x{byte.hex()}{guess}); "
            "save the file as UTF-8 (in Excel: 'CSV UTF-8'; in an editor: encoding UTF-8)"
        ) from None


def read_bytes(
    path: Path, what: str, error: type[Exception], max_bytes: int, too_large: Callable[[int], str]
) -> bytes:
    """The bytes of a file of at most ``max_bytes`` bytes (``what`` names it in messages).

    ``too_large(size)`` says what is wrong with a larger file.

    Raises
    ------
    error
        If the file does not exist, is a folder, cannot be read or is too large.
    """
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise error(f"{path}: {too_large(size)}")
        return path.read_bytes()
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, not {what}") from None
    except OSError as exc:
        raise error(f"{path}: cannot read the file ({exc.strerror or exc})") from None


def read_text(path: Path, what: str, error: type[Exception], max_bytes: int) -> str:
    """The text of a file of at most ``max_bytes`` bytes (``what`` names it in messages).

    Raises
    ------
    error
        If the file does not exist, cannot be read, is too large or is not UTF-8.
    """
    data = read_bytes(
        path,
        what,
        error,
        max_bytes,
        lambda size: (
            f"the file is {size:,} bytes, more than greenroute reads as {what} "
            f"({max_bytes:,}); check that this is {what}"
        ),
    )
    return decode_text(data, str(path), error)
