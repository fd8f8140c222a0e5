"""Array types that say what they are.

greenroute computes one recipe and millions of its variants with the same code: a number read
from a recipe is a ``float``, and the same number drawn N times (Monte Carlo, sweeps) is an
``(N,)`` array. :data:`Variable` names such a number; :data:`Floats` an array of floats (per
input line, per step, or ``(N, ·)`` with a leading variant axis, as each function states).
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray

Floats: TypeAlias = NDArray[np.float64]
"""An array of floats."""
Indices: TypeAlias = NDArray[np.intp]
"""An array of positions (of steps, lines)."""
Flags: TypeAlias = NDArray[np.bool_]
"""An array of booleans (a mask over lines)."""
Labels: TypeAlias = NDArray[np.str_]
"""An array of texts, one per line (roles, stages)."""
Variable: TypeAlias = float | Floats
"""A number as written (a float) or its N variants (an ``(N,)`` array)."""
