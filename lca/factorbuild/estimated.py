"""Stage ``estimated``: cradle-to-gate factors of chemicals estimated from their production route.

Each chemical that neither a published factor (``cited``) nor public LCI data (``computed``)
covers may have a *route recipe*, ``factors/build/estimated/<material-id>.toml``: its industrial
route written in greenroute's own recipe format (reactants by stoichiometry, yield, process
energy, transport of the precursors, ``[[uncertainty]]`` on every default), with every number's
source or assumption stated in the recipe (``docs/estimated-factors.md`` gives the conventions
and the cited defaults). The stage evaluates the recipes with greenroute's own engine
(:func:`lca.assess` and :func:`lca.montecarlo.simulate`) against the bundled library
restricted to the tiers before it: cited and computed rows, and the estimates already made (a
precursor that needs its own route is estimated first; recipes are taken in dependency order).
Class proxies are never used, and a recipe with a flow no factor covers is an error.

Per chemical and GWP set (AR6 and AR5) it writes one row of
``factors/greenroute-open/estimated.csv`` (tier ``estimated``, region ``US``): the deterministic
footprint of 1 kg of product, and the 95 % interval of the lognormal fitted to its Monte Carlo
draws (the recipe's distributions and the precursors' factor uncertainties; fixed seed). The
report ``estimated-report.md`` and the comparison section of the library's README are written by
:mod:`lca.factorbuild.estimated_report`.
"""

from __future__ import annotations

import csv
import io
import math
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lca.errors import FactorError
from lca.factors import COLUMNS, OPTIONAL_COLUMNS
from lca.uncertainty import Z95

if TYPE_CHECKING:
    from lca.factors import FactorRow
    from lca.recipe import Recipe

RECIPES = "factors/build/estimated"
COMPARISONS = "factors/build/estimated-comparisons.toml"
LIBRARY = "factors/greenroute-open"
CSV_FILE = "estimated.csv"
PROXY_FILE = "proxies.csv"
SOURCE_ID = "greenroute-estimated"
GWP_SETS = ("AR6", "AR5")
DRAWS = 2000
"""Monte Carlo draws per estimate and GWP set: the fitted interval's bounds move by well under
1 % between seeds at this size, and the whole stage stays a few seconds."""
SEED = 10
"""Fixed seed (the number of the issue that asked for the tier): the build is reproducible."""
HEADER = (*COLUMNS, *OPTIONAL_COLUMNS)  # a factor file with its tier and GWP basis
LICENCE = (
    "computed by greenroute from the route recipe; each precursor factor keeps its own "
    "source's licence (listed in notes)"
)
ALLOWED_GAPS = ("waste treatment",)
"""Categories whose gaps an estimate may have: the library has no incineration factor, so the
treatment of the step's residue (not its CO2, which is computed) is reported and not counted."""


def fmt(value: float) -> str:
    """Six significant digits, as the other generated factor files."""
    text = f"{value:.6g}"
    return "0" if text in ("-0", "0") else text


@dataclass(frozen=True)
class Evaluation:
    """One recipe evaluated under one GWP set."""

    value: float
    median: float
    gsd: float
    low: float
    high: float
    by_category: dict[str, float]
    summary: tuple[dict, ...]
    gaps: tuple[dict, ...]
    warnings: tuple[str, ...]
    precursors: tuple[tuple[str, str, str, float, str], ...]  # (material, tier, region, value, src)
    biogenic_co2: float = 0.0
    """Biogenic CO2 the route itself emits (burned biogenic carbon of its residue) [kg per kg],
    reported apart: not in ``value``. Biogenic CO2 rows of the precursors' factors are not in it."""

    @property
    def uncertainty(self) -> str:
        return f"95%:{fmt(self.low)}-{fmt(self.high)}"


@dataclass(frozen=True)
class Estimate:
    """A chemical's route recipe, its dependencies and its evaluations by GWP set."""

    material: str
    path: str  # relative to the repository root
    recipe: Recipe
    depends: tuple[str, ...]
    results: dict[str, Evaluation]


def read_recipes(root: Path) -> dict[str, tuple[str, Recipe]]:
    """``{material id: (relative path, Recipe)}`` of every route recipe, checked.

    Raises
    ------
    FactorError
        If a file is not a valid recipe, its product is not the material its name says, or that
        material is not in ``factors/materials.csv``.
    """
    from lca.materials import read_materials
    from lca.recipe import read_recipe

    materials = read_materials(root / "factors" / "materials.csv")
    found = {}
    for path in sorted((root / RECIPES).glob("*.toml")):
        relative = path.relative_to(root).as_posix()
        recipe = read_recipe(path)
        if recipe.route.product != path.stem:
            raise FactorError(
                f"{relative}: route.product is '{recipe.route.product}'; a route recipe is named "
                f"after the material it makes: rename the file or the product"
            )
        if path.stem not in materials:
            raise FactorError(
                f"{relative}: '{path.stem}' is not in factors/materials.csv; add its row (id, "
                "name, CAS, formula, class, source) before estimating its factor"
            )
        if recipe.route.region != "US":
            raise FactorError(
                f"{relative}: route.region is '{recipe.route.region}'; estimates are made for a "
                'US site (the precursor and energy data are US data): set region = "US"'
            )
        found[path.stem] = (relative, recipe)
    return found


def raw_materials(recipe: Recipe) -> list[str]:
    """Materials a recipe buys: inputs that no step of it makes, in order of appearance."""
    made = {step.product.material for step in recipe.steps if step.product is not None}
    bought = [i.material for step in recipe.steps for i in step.inputs if i.material not in made]
    return list(dict.fromkeys(bought))


def dependency_order(recipes: dict[str, tuple[str, Recipe]]) -> list[tuple[str, tuple[str, ...]]]:
    """``(material, the estimated materials it buys)``, precursors first, ties by name.

    Raises
    ------
    FactorError
        If the recipes depend on each other in a cycle.
    """
    depends = {
        material: tuple(m for m in raw_materials(recipe) if m in recipes and m != material)
        for material, (_, recipe) in recipes.items()
    }
    order: list[str] = []
    done: set[str] = set()
    pending = dict(depends)
    while pending:
        ready = sorted(m for m, needs in pending.items() if all(n in done for n in needs))
        if not ready:
            cycle = ", ".join(sorted(pending))
            raise FactorError(
                f"{RECIPES}: the route recipes of {cycle} depend on each other in a cycle; an "
                "estimate can only use precursors estimated before it"
            )
        for material in ready:
            order.append(material)
            done.add(material)
            del pending[material]
    return [(m, depends[m]) for m in order]


def base_library(root: Path, gwp_set: str):
    """The bundled library without its generated estimated and proxy rows (tiers 1-2)."""
    from lca.factors import read_library

    library = read_library(
        root / LIBRARY, gwp_set, default_tier="cited", skip_files=(CSV_FILE, PROXY_FILE)
    )
    return replace(
        library, rows=tuple(r for r in library.rows if r.tier not in ("estimated", "proxy"))
    )


def _factor_set(library, rows, gwp_set: str):
    from lca.factors import FactorSet

    layer = replace(library, rows=library.rows + tuple(rows))
    return FactorSet((layer,), gwp_set=gwp_set, exclude_tiers=frozenset({"proxy"}))


def _check(footprint, relative: str) -> None:
    """An estimate rests on tiers 1-3 only and covers every material, energy and transport."""
    for gap in footprint.gaps:
        if gap["category"] not in ALLOWED_GAPS:
            raise FactorError(
                f"{relative}: step '{gap['step']}': {gap['category']} flow '{gap['flow']}' has no "
                f"factor ({gap['reason']}); an estimate may use only cited, computed or earlier "
                "estimated factors: estimate that precursor first or change the route"
            )
    for term in footprint.model.terms:
        if term.tier in ("proxy", "spend-based"):
            raise FactorError(
                f"{relative}: step '{term.step}': '{term.flow}' uses a {term.tier} factor; an "
                "estimate may not rest on a class proxy or a spend-based figure"
            )


def _own_biogenic_co2(footprint) -> float:
    """Biogenic CO2 of the carbon the route burns (stoichiometric terms reported apart)."""
    from lca.footprint.waste import BIOGENIC

    return float(
        sum(
            value
            for apart, value in zip(footprint.model.apart, footprint.apart_values, strict=True)
            if apart.reason == BIOGENIC and apart.term.tier == "stoichiometric"
        )
    )


def _precursors(footprint) -> tuple[tuple[str, str, str, float, str], ...]:
    found: dict[str, tuple[str, str, str, float, str]] = {}
    for term in footprint.model.terms:
        if term.factor is None or term.category not in ("materials", "energy", "transport"):
            continue
        factor = term.factor
        sources = ", ".join(dict.fromkeys(r.source.split("]")[0] + "]" for r in factor.rows))
        found.setdefault(
            factor.key, (factor.key, factor.tier, factor.region, factor.value, sources)
        )
    return tuple(found.values())


def evaluate(recipe, factors, relative: str) -> Evaluation:
    """The deterministic footprint and the fitted Monte Carlo interval of one recipe.

    The lognormal is fitted by the moments of the logarithms of the draws (median
    ``exp(mean ln x)``, GSD ``exp(sd ln x)``); its 95 % interval is ``median / GSD^1.96`` to
    ``median × GSD^1.96``, the form ``lca.uncertainty.factor_distribution`` reads back.
    """
    from lca.assessment import assess
    from lca.montecarlo import simulate

    footprint = assess(recipe, factors=factors, with_mode_effects=False).footprint
    _check(footprint, relative)
    draws = simulate(recipe, DRAWS, SEED, factors, outputs=("carbon_footprint",), workers=1)[
        "carbon_footprint"
    ]
    if np.any(draws <= 0):
        raise FactorError(f"{relative}: a Monte Carlo draw of the footprint is not positive")
    logs = np.log(draws)
    mu, sigma = float(logs.mean()), float(logs.std(ddof=1))
    return Evaluation(
        value=footprint.total,
        median=math.exp(mu),
        gsd=math.exp(sigma),
        low=math.exp(mu - Z95 * sigma),
        high=math.exp(mu + Z95 * sigma),
        by_category=footprint.by_category(),
        summary=tuple(footprint.summary()),
        gaps=tuple(footprint.gaps),
        warnings=tuple(footprint.warnings),
        precursors=_precursors(footprint),
        biogenic_co2=_own_biogenic_co2(footprint),
    )


def _biogenic_note(result: Evaluation) -> str:
    """The route's biogenic CO2, which the value leaves out (ISO 14067: reported apart)."""
    if not result.biogenic_co2:
        return ""
    return (
        f". Biogenic CO2 of the carbon the route burns, reported apart and not in the value: "
        f"{fmt(result.biogenic_co2)} kg per kg (no uptake of biogenic carbon is counted either)"
    )


def row(estimate: Estimate, gwp_set: str) -> dict[str, str]:
    """The CSV row of one estimate under one GWP set."""
    result = estimate.results[gwp_set]
    recipe = estimate.recipe
    precursors = "; ".join(
        f"{key}={fmt(value)} ({tier}, {region} {sources})"
        for key, tier, region, value, sources in result.precursors
    )
    route = " / ".join(step.name or step.id for step in recipe.steps)
    return {
        "key": f"material:{estimate.material}",
        "name": f"{recipe.route.name}",
        "value": fmt(result.value),
        "unit": "kg CO2e / kg",
        "region": "US",
        "year": "",
        "scope": "cradle-to-gate",
        "source": (
            f"[{SOURCE_ID}] estimated by greenroute's factor build (python -m lca.factorbuild "
            f"--stage estimated) from the route recipe {estimate.path}; route sources: "
            f"{' '.join(recipe.route.source.split())}"
        ),
        "licence": LICENCE,
        "data_quality": (
            f"estimated (route recipe, cited defaults); Monte Carlo median "
            f"{fmt(result.median)}, geometric standard deviation {result.gsd:.3g} "
            f"({DRAWS} draws, seed {SEED})"
        ),
        "uncertainty": result.uncertainty,
        "notes": (
            f"Route: {route}. Site region US (US precursor and energy data). Factors used "
            f"({gwp_set}): {precursors}. Contributions: "
            + ", ".join(f"{c} {fmt(v)}" for c, v in result.by_category.items() if v)
            + _biogenic_note(result)
            + f". See estimated-report.md and {estimate.path}."
        ),
        "tier": "estimated",
        "gwp_basis": gwp_set,
    }


def factor_row(fields: dict[str, str], gwp_set: str, where: str):
    """The in-memory library row of an estimate, as reading estimated.csv would give it."""
    from lca.factors import FactorRow

    value = float(fields["value"])
    text: dict[str, Any] = {
        k: v for k, v in fields.items() if k not in ("value", "tier", "gwp_basis")
    }
    return FactorRow(
        **text,
        value=value,
        library="greenroute-open",
        where=where,
        per_unit="kg",
        kg_co2e_per_unit=value,
        tier="estimated",
        gwp_basis=gwp_set,
        amount=value,
    )


def build(root: Path) -> list[Estimate]:
    """Every estimate, evaluated in dependency order under each GWP set."""
    recipes = read_recipes(root)
    order = dependency_order(recipes)
    results: dict[str, dict[str, Evaluation]] = {m: {} for m, _ in order}
    estimates: dict[str, Estimate] = {}
    for gwp_set in GWP_SETS:
        library = base_library(root, gwp_set)
        made: list[FactorRow] = []
        for material, depends in order:
            relative, recipe = recipes[material]
            factors = _factor_set(library, made, gwp_set)
            results[material][gwp_set] = evaluate(recipe, factors, relative)
            estimate = Estimate(material, relative, recipe, depends, results[material])
            estimates[material] = estimate
            made.append(factor_row(row(estimate, gwp_set), gwp_set, f"{relative} ({gwp_set})"))
    return [estimates[m] for m, _ in order]


def read_comparisons(root: Path) -> dict[str, list[dict]]:
    """Independent published figures by material (``factors/build/estimated-comparisons.toml``).

    Raises
    ------
    FactorError
        If an entry lacks a field or names a material without a route recipe.
    """
    path = root / COMPARISONS
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FactorError(f"{path}: {exc}") from None
    found: dict[str, list[dict]] = {}
    for number, entry in enumerate(data.get("compare", []), start=1):
        missing = [f for f in ("material", "value", "source", "licence") if f not in entry]
        if missing:
            raise FactorError(f"{COMPARISONS}: compare[{number}] lacks {', '.join(missing)}")
        if not (root / RECIPES / f"{entry['material']}.toml").is_file():
            raise FactorError(
                f"{COMPARISONS}: compare[{number}] names '{entry['material']}', which has no "
                f"route recipe in {RECIPES}"
            )
        found.setdefault(entry["material"], []).append(entry)
    return found


def to_csv(estimates: list[Estimate]) -> str:
    """``estimated.csv``: AR6 then AR5 row of each estimate, in dependency order."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    for estimate in estimates:
        for gwp_set in GWP_SETS:
            writer.writerow(row(estimate, gwp_set))
    return out.getvalue()


def run(root: Path) -> dict[str, str]:
    """Text of every file the stage writes, keyed by path relative to ``root``."""
    from lca.factorbuild import estimated_report

    estimates = build(root)
    comparisons = read_comparisons(root)
    readme = root / LIBRARY / "README.md"
    return {
        f"{LIBRARY}/{CSV_FILE}": to_csv(estimates),
        f"{LIBRARY}/estimated-report.md": estimated_report.render(estimates, comparisons),
        f"{LIBRARY}/README.md": estimated_report.readme(
            readme.read_text(encoding="utf-8"), estimates, comparisons
        ),
    }
