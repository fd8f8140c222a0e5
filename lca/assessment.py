"""``assess(recipe)`` → :class:`Assessment`: everything greenroute says about one route.

The canonical form of every result is a long table ``route | scope | metric | value | unit``
(``scope`` is ``route`` or a step id); wide views are pivots of it. A metric that cannot be
computed (a molar mass is unknown, say) is kept with ``value = None`` and the reason, never a zero.
Several routes side by side are :func:`lca.comparison.compare`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from lca.factors import FactorSet, LibraryInfo, as_factor_set
from lca.footprint import Footprint
from lca.inventory import Inventory
from lca.recipe import Recipe, read_recipe
from lca.results import Metric, footprint_metrics, mass_metrics


@dataclass(frozen=True)
class ModeEffect:
    """What one feature of the operating mode adds, found by assessing the route without it."""

    feature: str
    description: str
    pmi: float | None
    footprint: float | None


# feature → (what it is, how the recipe looks without it)
MODE_FEATURES = {
    "start-up diversion": (
        "output diverted to waste before steady state",
        lambda r: _without_steps(r, startup=None),
    ),
    "failed batches": (
        "batches charged but lost",
        lambda r: _without_steps(r, failure_rate=None),
    ),
    "cleaning and flushes": (
        "cleaning per batch or campaign, start-up and shut-down flushes",
        lambda r: _without_steps(r, cleaning=[]),
    ),
    "facility overheads": (
        "HVAC, cleanroom and idle power of the facility, by run-time share",
        lambda r: _without_facility(r, overheads=[]),
    ),
    "changeover cleaning": (
        "cleaning at campaign changeover",
        lambda r: _without_facility(r, changeover=[]),
    ),
}


def _html_tables(title: str, frame) -> str:
    """Route metrics and a step × metric table as HTML, with the reports' labels, units and
    number format (:mod:`lca.reporting.labels`); every text escaped."""
    import html

    from lca.reporting.labels import format_number, metric_label, unit_label

    route = frame[frame["scope"] == "route"]
    shown = route.assign(
        metric=[metric_label(m).indented("\u2003") for m in route["metric"]],
        value=[format_number(v) for v in route["value"]],
        unit=[unit_label(u) for u in route["unit"]],
    )[["metric", "value", "unit", "note"]]
    steps = frame[frame["scope"] != "route"].pivot_table(
        index="scope", columns="metric", values="value", aggfunc="first", sort=False
    )
    steps.columns = [metric_label(m).text for m in steps.columns]
    steps.index.name = "step"
    return (
        f"<h4>{html.escape(title)}</h4>"
        + shown.to_html(index=False)
        + steps.to_html(float_format=format_number, na_rep="n/a")
    )


def _without_steps(recipe: Recipe, **changes) -> Recipe | None:
    steps = [step.model_copy(update=changes) for step in recipe.steps]
    if steps == list(recipe.steps):
        return None
    return _relabel(recipe.model_copy(update={"steps": steps}), recipe)


def _without_facility(recipe: Recipe, **changes) -> Recipe | None:
    facility = recipe.facility
    if facility is None or facility.model_copy(update=changes) == facility:
        return None
    return _relabel(
        recipe.model_copy(update={"facility": facility.model_copy(update=changes)}), recipe
    )


def _relabel(copy: Recipe, original: Recipe) -> Recipe:
    # a what-if is deterministic; its uncertainty tables may name the feature it removes
    copy = copy.model_copy(update={"uncertainty": []})
    copy._origin = original.origin
    return copy


def mode_effects(assessment: Assessment, factors: FactorSet) -> tuple[ModeEffect, ...]:
    """PMI and footprint each mode feature adds: the route minus the route without it.

    Each effect is a what-if on its own; effects interact (a start-up loss also scales the
    cleaning per kg), so they need not add up to the difference between two routes.
    """
    effects = []
    for feature, (description, remove) in MODE_FEATURES.items():
        variant = remove(assessment.recipe)
        if variant is None:
            continue
        other = assess(variant, factors=factors, with_mode_effects=False)
        pmi, other_pmi = assessment.value("pmi"), other.value("pmi")
        cf, other_cf = assessment.value("carbon_footprint"), other.value("carbon_footprint")
        effects.append(
            ModeEffect(
                feature,
                description,
                None if pmi is None or other_pmi is None else pmi - other_pmi,
                None if cf is None or other_cf is None else cf - other_cf,
            )
        )
    return tuple(effects)


@dataclass(frozen=True)
class Assessment:
    """Everything greenroute says about one route."""

    recipe: Recipe
    inventory: Inventory
    metrics: tuple[Metric, ...]
    footprint: Footprint
    mode_effects: tuple[ModeEffect, ...] = ()
    libraries: tuple[LibraryInfo, ...] = ()
    """name, version, GWP basis and path of each factor library the footprint was computed
    with, in priority order"""

    @property
    def name(self) -> str:
        return self.recipe.route.name

    def __repr__(self) -> str:
        # the dataclass's own repr prints the whole inventory (a megabyte in a notebook)
        return (
            f"Assessment({self.name!r}, PMI {self.value('pmi')!r} kg/kg, carbon footprint "
            f"{self.footprint.total if self.footprint is not None else None!r} kg CO2e/kg)"
        )

    @property
    def warnings(self) -> tuple[str, ...]:
        """Recipe warnings, then what weakens the footprint (scope, fallbacks, double counting)."""
        footprint = self.footprint.warnings if self.footprint is not None else ()
        return (*self.inventory.warnings, *footprint)

    def value(self, metric: str, scope: str = "route") -> float | None:
        """The value of one metric (``None`` if it could not be computed)."""
        try:
            return self._values[(metric, scope)]
        except KeyError:
            raise KeyError(
                f"no metric '{metric}' for scope '{scope}' in route '{self.name}'"
            ) from None

    @cached_property
    def _values(self) -> dict[tuple[str, str], float | None]:
        """(metric, scope) → value, the first row of each (a report asks for thousands)."""
        values: dict[tuple[str, str], float | None] = {}
        for row in self.metrics:
            values.setdefault((row.metric, row.scope), row.value)
        return values

    def _repr_html_(self) -> str:
        """Summary tables for Jupyter: route metrics, then step metrics."""
        return _html_tables(self.name, self.to_frame())

    def plot_footprint_by_step(self):
        """plotly figure: the footprint of each step, by category."""
        from lca.reporting import charts

        return charts.footprint_by_step(self)

    def plot_pmi_by_step(self):
        """plotly figure: each step's contribution to the route PMI."""
        from lca.reporting import charts

        return charts.pmi_by_step(self)

    def plot_sankey(self):
        """plotly figure: mass flows, raw materials → steps → product, waste, recovered."""
        from lca.reporting import sankey

        return sankey.sankey(self)

    def plot_co2e_sankey(self):
        """plotly figure: CO2e flows, sources → steps → net footprint, credits apart."""
        from lca.reporting import sankey

        return sankey.co2e_sankey(self)

    def plot_pareto(self):
        """plotly figure: Pareto of the raw materials by mass and by production footprint."""
        from lca.reporting import compare_charts

        return compare_charts.pareto(self)

    def to_pact(self, **options) -> dict:
        """The footprint as a PACT ProductFootprint (Technical Specifications 2.3.3), a JSON-ready
        dict; options and the data the owner must give: :func:`lca.reporting.pact.pact_footprint`
        and docs/pact.md."""
        from lca.reporting.pact import to_pact

        return to_pact(self, **options)

    def to_frame(self):
        """Long table: ``route | scope | metric | value | unit | note``."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "route": self.name,
                    "scope": r.scope,
                    "metric": r.metric,
                    "value": r.value,
                    "unit": r.unit,
                    "note": r.note,
                }
                for r in self.metrics
            ],
            columns=["route", "scope", "metric", "value", "unit", "note"],
        )


def assess(
    recipe: Recipe | str | Path,
    factors: FactorSet | Sequence[str | Path] | None = None,
    strict: bool = False,
    with_mode_effects: bool = True,
    gwp: str | None = None,
    backend: str = "greenroute",
) -> Assessment:
    """Assess one route: inventory per kg of final product, mass metrics and carbon footprint.

    Parameters
    ----------
    recipe : Recipe or path
        A recipe, or the path of a recipe file.
    factors : FactorSet or paths, optional
        Factor libraries; paths are user libraries laid over the bundled one. Default: bundled.
    strict : bool
        Raise if any flow has no factor, instead of reporting it in the coverage.
    with_mode_effects : bool
        Also assess the route without each operating-mode feature it uses (start-up diversion,
        failed batches, cleaning, facility overheads) to report what each one adds.
    gwp : str, optional
        GWP100 set of the footprint: ``"AR6"`` (default) or ``"AR5"``; with a
        :class:`~lca.factors.FactorSet`, the set it was read with.
    backend : str
        Who solves the footprint (:mod:`lca.backends`): ``"greenroute"`` (default) or
        ``"brightway"`` (bw2calc, a cross-check; needs the ``brightway`` extra). The inventory,
        the mass metrics and the footprint model are greenroute's either way, and so are the
        mode effects (what-if differences).

    Raises
    ------
    lca.errors.RecipeError
        If the recipe is invalid (every problem listed).
    lca.errors.FactorError
        If a factor library is invalid, or ``strict`` and a flow has no factor.
    lca.errors.BackendError
        If ``backend`` is unknown.
    """
    from lca.backends import check_backend, solve_footprint
    from lca.footprint import strict_check
    from lca.validation import check_recipe

    check_backend(backend)

    if not isinstance(recipe, Recipe):
        recipe = read_recipe(recipe)
    factors = as_factor_set(factors, gwp)
    checked = check_recipe(recipe, factors)
    inventory = checked.inventory
    footprint = solve_footprint(checked.model, inventory, backend)
    if strict:
        strict_check(footprint, recipe.origin)
    metrics = mass_metrics(inventory) + footprint_metrics(footprint)
    result = Assessment(
        recipe=recipe,
        inventory=inventory,
        metrics=metrics,
        footprint=footprint,
        libraries=factors.libraries,
    )
    if with_mode_effects:
        result = replace(result, mode_effects=mode_effects(result, factors))
    return result
