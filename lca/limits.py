"""Stated resource limits: recipe size, and memory for sweeps, Monte Carlo and sensitivity runs.

A request that would exceed a limit is refused before any work starts, with the estimate and how
to make the request smaller, instead of running for minutes and then failing (or swapping).
"""

from __future__ import annotations

import os
from typing import Any

from lca.errors import LimitError

MAX_RECIPE_BYTES = 32 * 2**20
"""Largest recipe file or text read [bytes] (32 MiB: about 140,000 steps of a typical recipe)."""
MAX_STEPS = 50_000
"""Most steps in one recipe."""
FLOAT_BYTES = 8


def available_memory() -> int | None:
    """Memory the operating system can give this process now [bytes], ``None`` if unknown.

    Linux's ``MemAvailable`` (free memory plus reclaimable caches); elsewhere the free pages.
    """
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def size_text(n_bytes: float) -> str:
    """``2.2 TB``, ``1.5 GB``, ``320 MB``, ``12 kB`` (decimal units)."""
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.3g} {unit}"
    return f"{n_bytes:.0f} bytes"


def parse_size(text: str) -> int:
    """Bytes from ``'2 GB'``, ``'500MB'``, ``'1.5 GiB'`` or a plain number of bytes.

    Raises
    ------
    LimitError
        If the text is not a size.
    """
    from lca.units import ureg

    try:
        quantity: Any = ureg.Quantity(text.strip())
        n_bytes = float(quantity.m_as("byte")) if hasattr(quantity, "m_as") else float(quantity)
    except Exception:  # pint's parser raises many types
        n_bytes = float("nan")
    if not n_bytes > 0 or n_bytes == float("inf"):
        raise LimitError(f"'{text}' is not a memory size; write e.g. '2 GB' or '500 MB'")
    return int(n_bytes)


def check_memory(estimate: float, what: str, hint: str, limit: int | None = None) -> None:
    """Refuse work whose memory ``estimate`` [bytes] exceeds ``limit`` (default: the memory
    available now).

    Raises
    ------
    LimitError
        Saying what needs how much, against which limit, and ``hint`` (how to ask for less).
    """
    stated = limit is not None
    limit = limit if stated else available_memory()
    if limit is None or estimate <= limit:
        return
    against = (
        f"the stated limit of {size_text(limit)}"
        if stated
        else (f"the {size_text(limit)} of memory available")
    )
    raise LimitError(
        f"{what} needs about {size_text(estimate)} of memory, more than {against}; {hint}"
    )
