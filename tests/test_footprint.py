"""Hand-computed carbon footprints with a small factor library written for the test."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pytest
from conftest import DATA, ROOT
from helpers import route
from hypothesis import given, settings
from hypothesis import strategies as st

from lca.assessment import assess
from lca.elements import carbon_mass_fraction
from lca.errors import FactorError
from lca.factors import FactorSet, read_library
from lca.materials import bundled_materials

_TMP = Path(tempfile.mkdtemp(prefix="greenroute-factors-"))
HEADER = "key,name,value,unit,region,year,scope,source,licence,data_quality,uncertainty,notes\n"
FACTORS = {
    "material:methanol": ("0.5", "kg CO2e / kg", "GLO"),
    "material:toluene": ("1000", "kg CO2e / t", "GLO"),  # = 1.0 kg CO2e/kg
    "material:water": ("0.2", "kg CO2e / m**3", "GLO"),
    "energy:electricity": ("200", "g CO2e / kWh", "GB"),  # = 0.2 kg CO2e/kWh
    "energy:steam": ("0.25", "kg CO2e / kWh", "GB"),
    "waste:wastewater": ("0.3", "kg CO2e / m**3", "GLO"),
    "waste:incineration": ("0.1", "kg CO2e / kg", "GLO"),
}


def write_library(tmp_path: Path, factors: dict, name: str = "test-factors") -> Path:
    path = tmp_path / f"{name}.csv"
    lines = [
        f"{key},{key},{value},{unit},{region},2025,cradle-to-gate,test source,CC0,primary,,\n"
        for key, (value, unit, region) in factors.items()
    ]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def one_step(**extra):
    toluene = {
        "material": "toluene",
        "amount": "10 kg",
        "role": "solvent",
        "recovered": 0.5,
        "recovery_energy": [{"carrier": "steam", "per_kg": "1 kg", "source": "test"}],
    }
    data = {
        "id": "s",
        "inputs": [
            {"material": "methanol", "amount": "2 kg", "role": "reactant", "limiting": True},
            toluene,
            {"material": "water", "amount": "5 kg", "role": "water"},
        ],
        "product": {"material": "api", "amount": "1 kg"},
        "energy": [
            {"carrier": "electricity", "amount": "5 kWh"},
            {"carrier": "steam", "amount": "2 kg"},
        ],
    }
    recipe = route([data], materials={"api": {"formula": "C2H6O"}})
    return recipe.model_copy(update={"route": recipe.route.model_copy(update={"region": "GB"})})


def test_hand_computed_footprint(tmp_path):
    factors = FactorSet((read_library(write_library(tmp_path, FACTORS)),))
    result = assess(one_step(), factors=factors)
    fp = result.footprint
    # heat per kg of steam, the documented default: saturated steam at 10 bar(a) from 20 °C
    # feedwater, IAPWS-IF97: h'' = 2777.12 kJ/kg, h(20 °C, 10 bar) = 84.86 kJ/kg → 2692.26 kJ/kg
    steam_kwh_per_kg = (2777.1195 - 84.8585) / 3600
    water_m3 = 5 / 998.2  # 5 kg of water at 0.9982 kg/L
    c_toluene = 7 * 12.011 / (7 * 12.011 + 8 * 1.008)  # C7H8: 0.912493 kg C/kg
    c_methanol = 12.011 / 32.042  # CH4O
    c_api = 2 * 12.011 / 46.069  # C2H6O
    co2_per_c = 44.009 / 12.011
    expected = {
        # materials, gross of recovery: 2 kg * 0.5 + 10 kg * 1.0 + 5/998.2 m3 * 0.2
        "materials": 2 * 0.5 + 10 * 1.0 + water_m3 * 0.2,
        # credits: half the toluene is recovered and replaces virgin toluene: -5 kg * 1.0
        "credits": -0.5 * 10 * 1.0,
        # energy: 5 kWh * 0.2 + 2 kg steam * 0.5596 kWh/kg * 0.25
        #         + recovery: 5 kg recovered * 1 kg steam/kg * 0.5596 kWh/kg * 0.25
        "energy": 5 * 0.2 + 2 * steam_kwh_per_kg * 0.25 + 5 * 1 * steam_kwh_per_kg * 0.25,
        # waste: 5 kg spent toluene * (0.912493 * 44.009/12.011) + 5 kg * 0.1 incineration
        #        + wastewater 5/998.2 m3 * 0.3
        #        + residue carbon (2 kg methanol C - 1 kg ethanol C) * 44.009/12.011
        #        + residue (2 kg - 1 kg) * 0.1 incineration
        "waste treatment": 5 * c_toluene * co2_per_c
        + 5 * 0.1
        + water_m3 * 0.3
        + (2 * c_methanol - 1 * c_api) * co2_per_c
        + (2 - 1) * 0.1,
        "transport": 0.0,
    }
    for category, value in expected.items():
        assert fp.by_category()[category] == pytest.approx(value, rel=1e-7), category
    assert fp.total == pytest.approx(sum(expected.values()), rel=1e-7)
    assert result.value("carbon_footprint") == pytest.approx(fp.total)
    # contributions add up by step, by flow and in the provenance table
    assert sum(fp.by_step().values()) == pytest.approx(fp.total)
    assert sum(fp.by_flow().values()) == pytest.approx(fp.total)
    assert sum(row["kg_co2e"] for row in fp.provenance()) == pytest.approx(fp.total)
    assert fp.gaps == []
    assert fp.mass_coverage() == pytest.approx(1.0)
    assert fp.energy_coverage() == pytest.approx(1.0)


def test_missing_factor_is_a_gap_not_zero_and_strict_fails(tmp_path):
    factors = dict(FACTORS)
    del factors["material:toluene"]
    factor_set = FactorSet((read_library(write_library(tmp_path, factors)),))
    result = assess(one_step(), factors=factor_set)
    gaps = [g for g in result.footprint.gaps if g["category"] == "materials"]
    assert gaps == [
        {
            "step": "s",
            "category": "materials",
            "flow": "toluene",
            "amount": pytest.approx(10.0),
            "unit": "kg",
            "reason": gaps[0]["reason"],
        }
    ]
    assert "no factor material:toluene" in gaps[0]["reason"]
    # coverage is of non-water mass: 2 kg methanol covered of 2 + 10 kg; water apart (5/5)
    assert result.footprint.mass_coverage() == pytest.approx(2 / 12)
    assert result.value("coverage_mass") == pytest.approx(100 * 2 / 12)
    assert result.value("coverage_mass:uncovered") == pytest.approx(100 * 10 / 12)
    assert result.value("coverage_water") == pytest.approx(100.0)
    assert result.footprint.is_lower_bound
    assert "LOWER BOUND" in next(m.note for m in result.metrics if m.metric == "carbon_footprint")
    with pytest.raises(FactorError, match=r"--strict: step 's' materials 'toluene' \(10 kg"):
        assess(one_step(), factors=factor_set, strict=True)


def test_recovery_without_its_energy_is_a_gap(tmp_path):
    recipe = one_step()
    step = recipe.steps[0]
    toluene = step.inputs[1].model_copy(update={"recovery_energy": []})
    recipe = recipe.model_copy(
        update={
            "steps": [step.model_copy(update={"inputs": [step.inputs[0], toluene, step.inputs[2]]})]
        }
    )
    factors = FactorSet((read_library(write_library(tmp_path, FACTORS)),))
    gaps = assess(recipe, factors=factors).footprint.gaps
    assert [(g["flow"], g["amount"], g["unit"]) for g in gaps] == [
        ("recovery of toluene", pytest.approx(5.0), "kg recovered")
    ]


def test_combustion_co2_from_formulas_matches_the_derived_research_values():
    # Stoichiometric CO2 of complete combustion: carbon mass fraction * 44.009/12.011,
    # from the formulas in factors/materials.csv; the researchers' values are in
    # tests/data/derived_combustion_co2.csv (copied from shared/data/factor-research/derived.csv).
    ids = {
        "methanol": "methanol",
        "ethanol": "ethanol",
        "isopropanol": "isopropanol",
        "acetone": "acetone",
        "ethyl_acetate": "ethyl-acetate",
        "toluene": "toluene",
        "n_heptane": "heptane",
        "n_hexane": "hexane",
        "tetrahydrofuran": "thf",
        "2_methyltetrahydrofuran": "2-methf",
        "dichloromethane": "dcm",
        "acetonitrile": "acetonitrile",
        "dimethylformamide": "dmf",
        "dimethyl_sulfoxide": "dmso",
        "n_methyl_2_pyrrolidone": "nmp",
        "methyl_tert_butyl_ether": "mtbe",
        "triethylamine": "triethylamine",
    }
    paths = [DATA / "derived_combustion_co2.csv"]
    shared = ROOT.parent / "shared" / "data" / "factor-research" / "derived.csv"
    if shared.is_file():
        paths.append(shared)
    checked = 0
    for path in paths:
        for row in csv.DictReader(path.open(encoding="utf-8")):
            key = row.get("research_key") or row["key"]
            name = key.removesuffix("_incineration_co2_stoichiometric")
            if name not in ids:
                continue
            formula = bundled_materials()[ids[name]].formula
            computed = carbon_mass_fraction(formula) * 44.009 / 12.011
            assert computed == pytest.approx(float(row["value"]), abs=6e-5), name
            checked += 1
    assert checked >= 17


def test_user_library_overrides_bundled_and_fallbacks_are_recorded(tmp_path):
    user = read_library(
        write_library(tmp_path, {"energy:electricity": ("0.3", "kg CO2e/kWh", "US")})
    )
    base_csv = write_library(
        tmp_path,
        {
            "energy:electricity": ("0.5", "kg CO2e/kWh", "GLO"),
            "material:toluene": ("1", "kg CO2e/kg", "DE"),
        },
        name="base",
    )
    base = read_library(base_csv)
    base = base.__class__(
        **{
            **base.__dict__,
            "region_parents": {"US-RFCE": "US", "US": "GLO"},
            "region_agnostic": ("material:*",),
        }
    )
    factors = FactorSet((user, base))
    exact = factors.lookup("energy:electricity", "US")
    assert (exact.value, exact.library, exact.fallback) == (0.3, "test-factors", "")
    parent = factors.lookup("energy:electricity", "US-RFCE")
    assert parent.value == 0.3
    assert "used its parent region US" in parent.fallback
    # the user's US row does not apply to a GB site: the next layer's global row does, recorded
    world = factors.lookup("energy:electricity", "GB")
    assert (world.value, world.region, world.library) == (0.5, "GLO", "base")
    assert "used the global (GLO) factor" in world.fallback
    agnostic = factors.lookup("material:toluene", "GB")
    assert agnostic.region == "DE"
    assert "usable for any region" in agnostic.fallback


def simple_recipe(inputs, materials=None, transport=None, region="GB"):
    data = {
        "schema_version": 1,
        "route": {"name": "t", "product": "api", "source": "test", "region": region},
        "materials": {"api": {"formula": "C2H6O"}, **(materials or {})},
        "steps": [{"id": "s", "inputs": inputs, "product": {"material": "api", "amount": "1 kg"}}],
    }
    if transport:
        data["transport"] = transport
    from lca.recipe import parse_recipe

    return parse_recipe(data, source="t.toml")


def test_composition_spend_based_and_transport(tmp_path):
    factors = FactorSet(
        (
            read_library(
                write_library(
                    tmp_path,
                    {
                        "material:hydrogen-chloride": ("2.0", "kg CO2e / kg", "GLO"),
                        "material:water": ("0.5", "kg CO2e / m**3", "GLO"),
                        "spend:naics-325199": ("1.51", "kg CO2e / USD", "GLO"),
                        "transport:hgv": ("0.1", "kg CO2e / (t * km)", "GLO"),
                    },
                )
            ),
        )
    )
    recipe = simple_recipe(
        [
            {"material": "hydrochloric-acid-37", "amount": "2 kg", "role": "reagent"},
            {"material": "exotic", "amount": "3 kg", "role": "reactant"},
        ],
        materials={"exotic": {"formula": "C10H10", "price": "20 USD/kg"}},
        transport=[{"material": "exotic", "mode": "hgv", "distance": "500 km"}],
    )
    fp = assess(recipe, factors=factors).footprint
    rows = {row["flow"]: row for row in fp.summary()}
    # 37 wt% HCl: 2 kg * 0.37 * 2.0 = 1.48; its water 2 kg * 0.63 / 998.2 kg/m3 * 0.5 per m3
    assert rows["hydrochloric-acid-37 → hydrogen-chloride"]["kg_co2e"] == pytest.approx(1.48)
    assert rows["hydrochloric-acid-37 → water"]["kg_co2e"] == pytest.approx(2 * 0.63 / 998.2 * 0.5)
    # spend-based: 3 kg * 20 USD/kg * 1.51 kg CO2e/USD = 90.6, labelled as such
    spend = [r for r in fp.provenance() if r["flow"] == "exotic" and r["category"] == "materials"]
    assert spend[0]["kg_co2e"] == pytest.approx(90.6)
    assert spend[0]["basis"].startswith("SPEND-BASED")
    # transport: 3 kg = 0.003 t over 500 km = 1.5 t*km * 0.1 = 0.15
    assert rows["exotic by hgv, 500 km"]["kg_co2e"] == pytest.approx(0.15)
    assert fp.by_category()["transport"] == pytest.approx(0.15)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.1, 100), st.floats(0.1, 100), st.floats(0.01, 1.0), st.floats(1e-3, 1e3))
def test_footprint_is_linear_and_scale_and_unit_invariant(methanol, toluene, recovered, scale):
    factors = FactorSet((read_library(write_library(_TMP, FACTORS)),))

    def recipe(m_kg, t_kg, product_kg, unit="kg"):
        k = {"kg": 1.0, "g": 1000.0}[unit]
        data = {
            "schema_version": 1,
            "route": {"name": "t", "product": "api", "source": "test", "region": "GB"},
            "materials": {"api": {"formula": "C2H6O"}},
            "steps": [
                {
                    "id": "s",
                    "inputs": [
                        {
                            "material": "methanol",
                            "amount": f"{m_kg * k!r} {unit}",
                            "role": "reactant",
                        },
                        {
                            "material": "toluene",
                            "amount": f"{t_kg * k!r} {unit}",
                            "role": "solvent",
                            "recovered": recovered,
                        },
                    ],
                    "product": {"material": "api", "amount": f"{product_kg * k!r} {unit}"},
                }
            ],
        }
        from lca.recipe import parse_recipe

        return parse_recipe(data, source="t.toml")

    base = assess(recipe(methanol, toluene, 0.05), factors=factors).footprint
    scaled = assess(recipe(methanol * scale, toluene * scale, 0.05 * scale), factors=factors)
    in_grams = assess(recipe(methanol, toluene, 0.05, unit="g"), factors=factors)
    assert scaled.footprint.total == pytest.approx(base.total, rel=1e-9)
    assert in_grams.footprint.total == pytest.approx(base.total, rel=1e-9)
    # linear: doubling the toluene charge doubles every toluene contribution
    double = assess(recipe(methanol, 2 * toluene, 0.05), factors=factors).footprint

    def toluene_part(fp):
        return sum(r["kg_co2e"] for r in fp.provenance() if "toluene" in r["flow"])

    assert toluene_part(double) == pytest.approx(2 * toluene_part(base), rel=1e-9)
    assert sum(base.by_category().values()) == pytest.approx(base.total, rel=1e-12)


def test_recipe_pin_chooses_the_factor_and_spend_label_shows_in_summary(tmp_path):
    factors = FactorSet(
        (
            read_library(
                write_library(
                    tmp_path,
                    {
                        "material:sodium-hydroxide": ("2.0", "kg CO2e / kg", "GLO"),
                        "material:sodium-hydroxide-50": ("0.6", "kg CO2e / kg", "GLO"),
                        "spend:naics-325180": ("1.117", "kg CO2e / USD", "GLO"),
                    },
                )
            ),
        )
    )
    recipe = simple_recipe(
        [
            {"material": "sodium-hydroxide", "amount": "1 kg", "role": "reagent"},
            {"material": "sodium-chloride", "amount": "2 kg", "role": "workup"},
        ],
        materials={
            "sodium-hydroxide": {"factor": "material:sodium-hydroxide-50"},
            "sodium-chloride": {"price": "0.5 USD/kg"},
        },
    )
    fp = assess(recipe, factors=factors).footprint
    rows = {row["flow"]: row for row in fp.summary()}
    # pinned: 1 kg * 0.6, not the material's own 2.0
    assert rows["sodium-hydroxide"]["kg_co2e"] == pytest.approx(0.6)
    assert rows["sodium-hydroxide"]["factors"] == ["material:sodium-hydroxide-50 (GLO)"]
    # NaCl has no carbon: inorganic sector 325180; 2 kg * 0.5 USD/kg * 1.117 = 1.117
    assert rows["sodium-chloride"]["kg_co2e"] == pytest.approx(1.117)
    assert rows["sodium-chloride"]["factors"] == ["SPEND-BASED spend:naics-325180 (GLO)"]


def test_a_pin_to_a_missing_factor_is_a_gap_that_says_so(tmp_path):
    factors = FactorSet(
        (
            read_library(
                write_library(
                    tmp_path, {"material:sodium-hydroxide": ("2.0", "kg CO2e / kg", "GLO")}
                )
            ),
        )
    )
    recipe = simple_recipe(
        [{"material": "sodium-hydroxide", "amount": "1 kg", "role": "reagent"}],
        materials={"sodium-hydroxide": {"factor": "material:sodium-hydroxide-50"}},
    )
    gaps = assess(recipe, factors=factors).footprint.gaps
    assert "material:sodium-hydroxide-50 pinned by the recipe is in no library" in gaps[0]["reason"]
