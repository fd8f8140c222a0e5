"""A route's footprint as a PACT ProductFootprint (WBCSD PACT Technical Specifications 2.3.3).

The Partnership for Carbon Transparency (PACT, WBCSD) specifies how companies exchange product
carbon footprints: *Technical Specifications for PCF Data Exchange*, version 2.3.3 (2025-12-11;
the v2.x data model, on the PACT Methodology v2), https://wbcsd.github.io/tr/data-exchange-protocol/.
:func:`to_pact` writes greenroute's cradle-to-gate footprint per kilogram of product in that data
model. What greenroute computes is filled in (:mod:`lca.reporting.pact_quality` holds the data
quality, exemption and source rules); what only the data owner knows (company, product
identifiers, CPC code, reference period, and the share of emissions a footprint with gaps leaves
out) comes from the recipe's ``[pact]`` table or the caller. A missing value is an error
naming the field and how to give it, never an invented one. docs/pact.md maps every field.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from lca.errors import PactError
from lca.footprint.waste import CO2_PER_C
from lca.reporting import pact_quality as quality

SPEC_VERSION = "2.3.3"
DECLARED_UNIT = "kilogram"
SIGNIFICANT_DIGITS = 6
BIOGENIC_FIELDS_FROM = datetime.date(2025, 1, 1)
"""PACT 2.3: for reference periods that include 1 January 2025 or later, the ``O*`` properties
(pCfIncludingBiogenic, dLucGhgEmissions, landManagementGhgEmissions, ...) must be defined."""
NOT_MODELLED = ("pCfIncludingBiogenic", "dLucGhgEmissions", "landManagementGhgEmissions")
STATUSES = ("Active", "Deprecated")
RULES = {
    "tfs": {
        "operator": "Other",
        "ruleNames": ["The Product Carbon Footprint Guideline for the Chemical Industry, v3.0"],
        "otherOperatorName": "Together for Sustainability (TfS)",
    },
    "pas-2090": {
        "operator": "Other",
        "ruleNames": ["PAS 2090:2025"],
        "otherOperatorName": "BSI (British Standards Institution)",
    },
}
REGIONS = (
    "Africa", "Americas", "Asia", "Europe", "Oceania", "Australia and New Zealand",
    "Central Asia", "Eastern Asia", "Eastern Europe", "Latin America and the Caribbean",
    "Melanesia", "Micronesia", "Northern Africa", "Northern America", "Northern Europe",
    "Polynesia", "South-eastern Asia", "Southern Asia", "Southern Europe", "Sub-Saharan Africa",
    "Western Asia", "Western Europe",
)  # fmt: skip
"""PACT's RegionOrSubregion values (UN geographic regions and subregions)."""
SITE_GROUPS = {"RER": "Europe"}
"""Site region groups (:mod:`lca.regions`) that are a UN region; EU and RoW are not."""
# RFC 8141: "urn:" NID ":" NSS, NID 2-32 letters, digits or '-' (not at either end)
URN = re.compile(r"^urn:[a-z0-9][a-z0-9-]{0,30}[a-z0-9]:\S+$", re.IGNORECASE)
CPC = re.compile(r"^[0-9]{1,5}$")
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
SUBDIVISION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")

# (PACT property, [pact] field, command-line option)
REQUIRED = (
    ("companyName", "company_name", "--company-name"),
    ("companyIds", "company_ids", "--company-id"),
    ("productIds", "product_ids", "--product-id"),
    ("productCategoryCpc", "cpc", "--cpc"),
    ("referencePeriodStart", "reference_period_start", "--period-start"),
    ("referencePeriodEnd", "reference_period_end", "--period-end"),
)


def decimal_text(value: float, digits: int = SIGNIFICANT_DIGITS) -> str:
    """A PACT Decimal: a dotted-decimal string (no exponent), ``digits`` significant digits."""
    text = format(Decimal(f"{value:.{digits}g}"), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class PactFootprint:
    """A ProductFootprint document and what the caller should be warned about."""

    document: dict
    warnings: tuple[str, ...] = ()


def _given(value) -> bool:
    """A value the data owner gave: not None, not blank text, not an empty list."""
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple):
        return bool(value)
    return value is not None


class _Inputs:
    """The data owner's values: options given to :func:`pact_footprint` over ``[pact]``."""

    def __init__(self, recipe, options: dict):
        self.recipe = recipe
        self.table = recipe.pact
        self.options = options
        self.problems: list[str] = []

    def get(self, field: str):
        option = self.options.get(field)
        if _given(option):
            return option
        value = getattr(self.table, field) if self.table is not None else None
        return value if _given(value) else None

    def where(self, field: str, option: str) -> str:
        if _given(self.options.get(field)):
            return option
        return self.recipe.where(f"pact.{field}")

    def missing(self) -> None:
        gaps = [
            f"{name} ([pact] {field} or {option})"
            for name, field, option in REQUIRED
            if self.get(field) is None
        ]
        if gaps:
            self.problems.append(
                f"{self.recipe.origin}: a PACT footprint needs what only the data owner knows; "
                f"missing: {', '.join(gaps)}"
            )

    def urns(self, field: str, option: str) -> list[str]:
        values = list(dict.fromkeys(str(v).strip() for v in self.get(field) or ()))
        for value in values:
            if not URN.match(value):
                self.problems.append(
                    f"{self.where(field, option)}: '{value}' is not a URN (RFC 8141, e.g. "
                    "'urn:pact:company:customcode:buyer-assigned:4321' or 'urn:gtin:...')"
                )
        return values

    def date(self, field: str, option: str) -> datetime.date | None:
        text = self.get(field)
        if text is None:
            return None
        text = str(text).strip()
        try:
            if not DATE.match(text):
                raise ValueError
            return datetime.date.fromisoformat(text)
        except ValueError:
            self.problems.append(f"{self.where(field, option)}: '{text}' is not a date YYYY-MM-DD")
            return None


def _geography(inputs: _Inputs) -> dict:
    """The geography properties: from ``[pact] geography``, else from ``route.region``."""
    from lca.regions import ALIASES, countries

    given = inputs.get("geography")
    if given is not None:
        text, where = str(given).strip(), inputs.where("geography", "--geography")
    else:
        text, where = inputs.recipe.route.region, inputs.recipe.where("route.region")
        # a site region such as US-RFCE (an eGRID subregion) is in the country US
        if "-" in text and text.split("-")[0] in countries():
            text = text.split("-")[0]
    if text.upper() in ("GLO", "GLOBAL"):
        return {}
    if text in REGIONS:
        return {"geographyRegionOrSubregion": text}
    if text in SITE_GROUPS:
        return {"geographyRegionOrSubregion": SITE_GROUPS[text]}
    if COUNTRY.match(text) and text in countries():
        return {"geographyCountry": text}
    if SUBDIVISION.match(text) and given is not None and text[:2] in countries():
        return {"geographyCountrySubdivision": text}
    meant = ALIASES.get(text.upper())
    why = f" (did you mean '{meant}'?)" if meant and meant in countries() else ""
    inputs.problems.append(
        f"{where}: '{text}'{why} is not a PACT geography; give [pact] geography (or "
        "--geography) as an ISO 3166-1 country code ('DE'), an ISO 3166-2 subdivision ('US-NY'), "
        "a UN region ('Western Europe') or 'global'"
    )
    return {}


def _product_carbon(assessment, warnings: list[str], problems: list[str]) -> tuple[float, float]:
    """(fossil, biogenic) carbon of the product [kg C / kg], from its formula and the biogenic
    share the recipe declares for it (greenroute's default: fossil, as in the waste model)."""
    inventory = assessment.inventory
    product = assessment.recipe.route.product
    material = inventory.materials.get(product)
    carbon = material.carbon_fraction if material is not None else None
    if carbon is None:
        problems.append(
            f"{assessment.recipe.where(f'materials.{product}.formula')}: fossilCarbonContent and "
            f"biogenicCarbonContent need the carbon of the product '{product}': give its formula"
        )
        return 0.0, 0.0
    biogenic = inventory.site.biogenic
    share = biogenic.get(product, 0.0)
    if share == 0.0 and product not in biogenic and any(v > 0 for v in biogenic.values()):
        warnings.append(
            f"materials {', '.join(sorted(m for m, v in biogenic.items() if v > 0))} carry "
            f"biogenic carbon but the product '{product}' declares no biogenic_carbon: its "
            "carbon is reported fossil (as the footprint counts it); set [materials."
            f"{product}] biogenic_carbon if part of it is biogenic"
        )
    return carbon * (1.0 - share), carbon * share


def _boundary(assessment) -> str:
    footprint = assessment.footprint
    by_category = footprint.by_category()
    amount = lambda c: f"{decimal_text(by_category[c], 3)} kg CO2e/kg"  # noqa: E731
    transport = (
        f"; freight of raw materials the recipe gives ({amount('transport')})"
        if footprint.assessed("transport")
        else "; freight of raw materials not assessed"
    )
    recipe = assessment.recipe
    kinds = [
        kind
        for kind, present in (
            (
                "recovered solvent replacing virgin solvent",
                any(i.recovered for step in recipe.steps for i in step.inputs),
            ),
            (
                "production displaced by co-products (system expansion)",
                any(s.allocation == "system-expansion" for s in recipe.steps if s.coproducts),
            ),
        )
        if present
    ]
    credits = (
        f" Credits ({', '.join(kinds) or 'as the recipe models them'}): {amount('credits')}, "
        "included in the PCF."
        if by_category["credits"]
        else ""
    )
    return (
        f"Cradle-to-gate, per kg of {assessment.recipe.route.product} leaving the last step. "
        "Material acquisition and pre-processing: cradle-to-gate production of every raw material "
        f"the recipe charges ({amount('materials')}){transport}. Production: purchased energy "
        f"(electricity, steam, fuels; {amount('energy')}); waste treatment: incineration of spent "
        "solvent and process residue with the fossil CO2 of their carbon, wastewater treatment "
        f"({amount('waste treatment')}).{credits} Not included: capital goods, packaging, "
        "utilities the recipe does not list (e.g. nitrogen, cooling water), fugitive emissions, "
        "land-use change, distribution."
    )


def _allocation(recipe) -> str | None:
    rules = {
        "mass": "by mass",
        "economic": "by value, with the prices the recipe gives",
        "system-expansion": "by system expansion (the displaced production is credited)",
        None: "none: the product bears the whole burden",
    }
    parts = [
        f"step '{step.id}' makes co-products ({', '.join(c.material for c in step.coproducts)}): "
        f"allocation {rules[step.allocation]}"
        for step in recipe.steps
        if step.coproducts
    ]
    recovered = sorted(
        {i.material for step in recipe.steps for i in step.inputs if i.recovered is not None}
    )
    if recovered:
        parts.append(
            f"recovered solvent ({', '.join(recovered)}) is reused in the process: the full "
            "purchase is counted and the recovered share credited as virgin solvent avoided "
            "(closed-loop recycling)"
        )
    if not parts:
        return None
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def _comment(assessment, gwp_other, sources, primary_libraries, late: bool) -> str:
    from lca import __version__

    footprint, route = assessment.footprint, assessment.recipe.route
    source = route.source.strip()
    parts = [
        f"Screening footprint computed by greenroute {__version__} from the route recipe "
        f"'{route.name}' ({assessment.recipe.origin}); its data: {source}"
        + ("" if source.endswith(".") else ".")
    ]
    if footprint.is_lower_bound:
        parts.append(
            f"The footprint is a lower bound: {len(footprint.gaps)} flow(s) have no emission "
            "factor (exemptedEmissionsDescription)."
        )
    if footprint.cut_off:
        parts.append(
            "Combustion of waste incinerated with energy recovery "
            f"({decimal_text(footprint.cut_off, 3)} kg CO2e/kg) is left to the user of the "
            "recovered energy (cut-off)."
        )
    market = footprint.market_based_total()
    if market is not None:
        parts.append(
            f"The PCF uses location-based electricity; market-based (GHG Protocol Scope 2) it "
            f"is {decimal_text(market, 4)} kg CO2e/kg ({footprint.market_based_note()})."
        )
    parts.append(
        f"Per-gas factor rows are characterised with IPCC {footprint.gwp_set} GWP100; "
        f"{100 * footprint.gwp_mismatch_share():.3g} % of the gross footprint rests on factors "
        "published in CO2e on another basis, used as published"
        + (f" (bases not stated as an IPCC report: {', '.join(gwp_other)})." if gwp_other else ".")
    )
    parts.append(
        "Biogenic CO2 emitted by the route and in factors that give it per gas "
        "(otherBiogenicGhgEmissions) is not in pCfExcludingBiogenic. Not modelled, hence not "
        "given: removals (uptake) of biogenic carbon in the supply chain, biogenic CO2 of factors "
        "published only in CO2e, land-use change and land management; pCfIncludingBiogenic is "
        "therefore not given."
    )
    if late:
        parts.append(
            "The reference period includes 2025: PACT 2.3 then requires "
            f"{', '.join(NOT_MODELLED)}, which greenroute cannot compute; this footprint does not "
            "meet that requirement."
        )
    declared = (
        f" and factors of the libraries declared supplier-specific ({', '.join(primary_libraries)})"
        if primary_libraries
        else ""
    )
    parts.append(
        "primaryDataShare counts the emissions computed from the recipe alone (fossil CO2 of the "
        f"incinerated waste, from formulas){declared}; dqi maps greenroute's factor tiers to PACT "
        "ratings (docs/pact.md)."
    )
    if sources:
        parts.append(f"Emission-factor sources: {', '.join(sources)}.")
    return " ".join(parts)


def pact_footprint(
    assessment,
    *,
    company_name: str | None = None,
    company_ids: Sequence[str] | None = None,
    product_ids: Sequence[str] | None = None,
    product_name: str | None = None,
    product_description: str | None = None,
    cpc: str | None = None,
    reference_period_start: str | None = None,
    reference_period_end: str | None = None,
    geography: str | None = None,
    exempted_emissions_percent: float | None = None,
    exempted_emissions_note: str | None = None,
    rules: Sequence[str] | None = None,
    status: str = "Active",
    version: int = 1,
    pf_id: str | None = None,
    created: datetime.datetime | None = None,
    primary_libraries: Sequence[str] = (),
) -> PactFootprint:
    """The ProductFootprint of an assessed route, with the warnings it carries.

    Keyword arguments override the recipe's ``[pact]`` fields of the same name (see
    :class:`lca.recipe.Pact`); ``pf_id`` (a UUID v4) and ``created`` default to a new one and now.
    Library versions come from the assessment's record of its factor libraries;
    ``primary_libraries`` names libraries of supplier-specific (primary) factors.

    Raises
    ------
    lca.errors.PactError
        Naming every missing or invalid field and how to give it.
    """
    recipe, footprint = assessment.recipe, assessment.footprint
    if footprint is None:
        raise PactError(f"{recipe.origin}: no carbon footprint was computed for this route")
    options = {
        "company_name": company_name,
        "company_ids": list(company_ids or ()),
        "product_ids": list(product_ids or ()),
        "product_name": product_name,
        "product_description": product_description,
        "cpc": cpc,
        "reference_period_start": reference_period_start,
        "reference_period_end": reference_period_end,
        "geography": geography,
        "exempted_emissions_percent": exempted_emissions_percent,
        "exempted_emissions_note": exempted_emissions_note,
        "rules": list(rules or ()),
    }
    inputs = _Inputs(recipe, options)
    warnings: list[str] = []
    inputs.missing()
    company_ids = inputs.urns("company_ids", "--company-id")
    product_ids = inputs.urns("product_ids", "--product-id")
    cpc_code = str(inputs.get("cpc") or "").strip()
    if cpc_code and not CPC.match(cpc_code):
        inputs.problems.append(
            f"{inputs.where('cpc', '--cpc')}: '{cpc_code}' is not a UN CPC v2.1 code (1 to 5 "
            "digits; https://unstats.un.org/unsd/classifications/Econ/cpc)"
        )
    start = inputs.date("reference_period_start", "--period-start")
    end = inputs.date("reference_period_end", "--period-end")
    if start and end and end <= start:
        inputs.problems.append(
            f"{inputs.where('reference_period_end', '--period-end')}: the reference period ends "
            f"({end}) before it starts ({start}); the end is the day after its last day"
        )
    if status not in STATUSES:
        inputs.problems.append(f"status '{status}' is not one of {', '.join(STATUSES)}")
    if not 0 <= version < 2**31:
        inputs.problems.append(f"version {version} is outside 0..2^31-1")
    if pf_id is not None:
        try:
            if uuid.UUID(pf_id).version != 4:
                raise ValueError
        except ValueError:
            inputs.problems.append(f"id '{pf_id}' is not a UUID v4")
    geography_fields = _geography(inputs)
    total = footprint.total
    if total < 0:
        inputs.problems.append(
            f"{recipe.origin}: the footprint is {total:.3g} kg CO2e/kg, below zero (its credits "
            "exceed its burden), but pCfExcludingBiogenic must be zero or more"
        )
    fossil_c, biogenic_c = _product_carbon(assessment, warnings, inputs.problems)
    percent = inputs.get("exempted_emissions_percent")
    exempted = quality.exemption(footprint, percent, inputs.get("exempted_emissions_note") or "")
    if exempted.problem:
        where = inputs.where("exempted_emissions_percent", "--exempted-percent")
        inputs.problems.append(
            f"{where if percent is not None else recipe.origin}: {exempted.problem}"
        )
    if exempted.uncovered_mass_share > quality.MAX_EXEMPTED_PERCENT / 100:
        warnings.append(
            f"{100 * exempted.uncovered_mass_share:.3g} % of the non-water raw-material mass has "
            "no emission factor: check that the emissions left out are within the 5 % PACT allows"
        )
    if inputs.problems or start is None or end is None:  # a missing date is among the problems
        raise PactError("\n".join(dict.fromkeys(inputs.problems)))

    late = end > BIOGENIC_FIELDS_FROM
    if late:
        warnings.append(
            f"the reference period includes 2025: PACT 2.3 requires {', '.join(NOT_MODELLED)}, "
            "which greenroute does not model; the footprint is written without them (see its "
            "comment)"
        )
    dq = quality.data_quality(footprint, primary_libraries)
    reports, gwp_other = quality.ipcc_sources(footprint)
    versions = {library.name: library.version for library in assessment.libraries}
    secondary = quality.secondary_sources(footprint, versions, primary_libraries)
    material = assessment.inventory.materials.get(recipe.route.product)
    name = inputs.get("product_name") or (material.name if material and material.name else None)
    pcf = {
        "declaredUnit": DECLARED_UNIT,
        "unitaryProductAmount": "1",
        "productMassPerDeclaredUnit": "1",
        "pCfExcludingBiogenic": decimal_text(total),
        # the whole total but biogenic CO2: CO2e-only factor rows carry no fossil/biogenic split
        "fossilGhgEmissions": decimal_text(total),
        "fossilCarbonContent": decimal_text(fossil_c),
        "biogenicCarbonContent": decimal_text(biogenic_c),
        "otherBiogenicGhgEmissions": decimal_text(footprint.biogenic_co2),
        "biogenicCarbonWithdrawal": decimal_text(-biogenic_c * CO2_PER_C),
        "characterizationFactors": footprint.gwp_set,
        "ipccCharacterizationFactorsSources": reports,
        "crossSectoralStandardsUsed": ["ISO Standard 14067", "GHG Protocol Product standard"],
        "crossSectoralStandards": ["ISO14067", "GHGP-Product"],
        "biogenicAccountingMethodology": "ISO",
        "boundaryProcessesDescription": _boundary(assessment),
        "referencePeriodStart": f"{start.isoformat()}T00:00:00Z",
        "referencePeriodEnd": f"{end.isoformat()}T00:00:00Z",
        **geography_fields,
        "exemptedEmissionsPercent": exempted.percent,
        "exemptedEmissionsDescription": exempted.description,
        "packagingEmissionsIncluded": False,
        "primaryDataShare": round(dq.primary_data_share, 2) + 0.0,  # never -0.0
        "dqi": dq.dqi(),
    }
    chosen_rules = list(dict.fromkeys(inputs.get("rules") or ()))
    if chosen_rules:
        pcf["productOrSectorSpecificRules"] = [RULES[rule] for rule in chosen_rules]
    if secondary:
        pcf["secondaryEmissionFactorSources"] = secondary
    allocation = _allocation(recipe)
    if allocation:
        pcf["allocationRulesDescription"] = allocation
    document = {
        "id": pf_id or str(uuid.uuid4()),
        "specVersion": SPEC_VERSION,
        "version": version,
        "created": _utc(created or datetime.datetime.now(datetime.UTC)),
        "status": status,
        "companyName": str(inputs.get("company_name")).strip(),
        "companyIds": company_ids,
        "productDescription": inputs.get("product_description") or _description(assessment),
        "productIds": product_ids,
        "productCategoryCpc": cpc_code,
        "productNameCompany": name or recipe.route.product,
        "comment": _comment(
            assessment,
            gwp_other,
            quality.cited_sources(footprint),
            list(primary_libraries),
            late,
        ),
        "pcf": pcf,
    }
    return PactFootprint(document, tuple(warnings))


def _description(assessment) -> str:
    recipe = assessment.recipe
    material = assessment.inventory.materials.get(recipe.route.product)
    name, about = recipe.route.product, []
    if material is not None:
        name = material.name or name
        about = [p for p in (material.formula, f"CAS {material.cas}" if material.cas else "") if p]
    modes = " and ".join(sorted({step.mode for step in recipe.steps}))
    return (
        f"{name}{' (' + ', '.join(about) + ')' if about else ''}, made by the route "
        f"'{recipe.route.name}' ({len(recipe.steps)} {modes} step(s)); 1 kg of product at the "
        "gate of the last step, without packaging."
    )


def to_pact(assessment, **options) -> dict:
    """The ProductFootprint (PACT 2.3.3) of an assessed route as a JSON-ready dict.

    Options as for :func:`pact_footprint`, which also returns the warnings.
    """
    return pact_footprint(assessment, **options).document


def write_pact(footprint: PactFootprint, path: str | Path, force: bool = False) -> Path:
    """Write a ProductFootprint as JSON (UTF-8), atomically; never over a file without ``force``."""
    from lca.reporting.output import write_text
    from lca.reporting.safe import to_json

    return write_text(path, to_json(footprint.document) + "\n", force)
