"""The estimated tier: route recipes evaluated by greenroute's engine (lca.factorbuild.estimated).

Two estimates are reproduced by hand (isopropanol; furfural, from a crop residue with steam);
the biogenic carbon of 2-MeTHF is reported apart, in its estimate and where a route burns it;
the build reproduces the committed files; every row has its recipe and an uncertainty;
precursors are estimated before what uses them; no estimate rests on a class proxy; the
recipes' energy defaults are those of the USLCI build; every material of the table has a factor
from some tier or is listed as out of scope with a reason; every bundled example rests on tiers
1-3 for at least 95 % of its non-water mass.
"""

from __future__ import annotations

import csv
import io
import math
import re
import tomllib

import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from lca.elements import ATOMIC_WEIGHTS, molar_mass
from lca.errors import FactorError

LIBRARY = ROOT / "factors" / "greenroute-open"
RECIPES = ROOT / "factors" / "build" / "estimated"


def committed_rows() -> list[dict]:
    with (LIBRARY / "estimated.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def value_of(material: str, gwp_set: str = "AR6") -> float:
    (row,) = [
        r
        for r in committed_rows()
        if r["key"] == f"material:{material}" and r["gwp_basis"] == gwp_set
    ]
    return float(row["value"])


def tiers_1_2(gwp_set: str = "AR6"):
    from lca.factorbuild.estimated import _factor_set, base_library

    return _factor_set(base_library(ROOT, gwp_set), (), gwp_set)


# --- one estimate by hand -------------------------------------------------------------------


def test_isopropanol_reproduced_by_hand():
    """C3H6 + H2O -> C3H8O, 95 % yield, US site (factors/build/estimated/isopropanol.toml).

    One batch charges 17.516 kmol of propylene and 1 equiv of water and gives
    0.95 x 17.516 kmol x 60.096 g/mol = 1000.0036 kg of isopropanol, with 2984 MJ of natural gas
    and 163.8 kWh of electricity; propylene travels 600 km by rail and 100 km by lorry.
    """
    factors = tiers_1_2()
    f_propylene = factors.lookup_material("material:propylene", "US").value  # USLCI, computed
    f_water = factors.lookup_material("material:water", "US").value  # DESNZ, per m3
    f_gas = factors.lookup("energy:natural-gas", "US", "kWh").value  # EPA Hub, per kWh HHV
    f_power = factors.lookup("energy:electricity", "US", "kWh").value  # eGRID 2023
    f_rail = factors.lookup("transport:rail", "US", "t*km").value
    f_lorry = factors.lookup("transport:hgv", "US", "t*km").value
    assert f_propylene == pytest.approx(1.98434, rel=1e-4)
    m_propylene, m_water = molar_mass("C3H6"), molar_mass("H2O")  # 42.081, 18.015 g/mol
    m_ipa = molar_mass("C3H8O")  # 60.096 g/mol
    product = 0.95 * 17.516 * m_ipa  # kg per batch
    propylene = 17.516 * m_propylene / product  # kg per kg isopropanol
    water = 17.516 * m_water / product
    gas_kwh = 2984 / 3.6 / product
    power_kwh = 163.8 / product
    materials = propylene * f_propylene + water / 998.2 * f_water  # water factor per m3
    energy = gas_kwh * f_gas + power_kwh * f_power
    transport = propylene / 1000 * (600 * f_rail + 100 * f_lorry)
    # residue: carbon charged minus carbon in the product, burned to CO2 (44.009/12.011)
    carbon_c = ATOMIC_WEIGHTS["C"]
    residue_c = propylene * 3 * carbon_c / m_propylene - 3 * carbon_c / m_ipa
    residue_co2 = residue_c * (carbon_c + 2 * ATOMIC_WEIGHTS["O"]) / carbon_c
    total = materials + energy + transport + residue_co2
    assert propylene == pytest.approx(0.737087, rel=1e-5)
    assert residue_co2 == pytest.approx(0.1156, rel=1e-3)
    assert total == pytest.approx(value_of("isopropanol"), rel=1e-5)


def test_furfural_reproduced_by_hand():
    """1 t of furfural from 10 t of corncobs (factors/build/estimated/furfural.toml).

    Per kg of furfural: 10 kg of cobs at the USLCI corn-stover factor (computed tier), 25 kg of
    10 bar saturated steam from 20 degC feedwater (IAPWS-IF97 enthalpy rise 2692 kJ/kg, i.e.
    0.74785 kWh/kg) at the EPA steam factor per kWh, 0.1638 kWh of electricity, and the cobs'
    100 km by lorry (10 kg x 100 km = 1 t*km). The cobs have no formula, so no residue CO2 is
    computed: their carbon is biogenic anyway (biogenic_carbon = 1).
    """
    from lca.steam import steam_heat

    factors = tiers_1_2()
    f_stover = factors.lookup_material("material:corn-stover", "US").value
    f_steam = factors.lookup("energy:steam", "US", "kWh").value
    f_power = factors.lookup("energy:electricity", "US", "kWh").value
    f_lorry = factors.lookup("transport:hgv", "US", "t*km").value
    assert factors.lookup_material("material:corn-stover", "US").tier == "computed"
    steam_kwh = steam_heat(10.0, 20.0).kwh_per_kg
    assert steam_kwh * 3600 == pytest.approx(2692, abs=1)
    total = 10 * f_stover + 25 * steam_kwh * f_steam + 0.1638 * f_power + 1.0 * f_lorry
    assert total == pytest.approx(value_of("furfural"), rel=1e-5)
    # the assumed steam is most of it (docs/estimated-factors.md, sensitivities)
    assert 25 * steam_kwh * f_steam / total > 0.8


def test_2_methf_carbon_is_biogenic_and_reported_apart():
    """Furfural -> 2-methylfuran -> 2-MeTHF at 95 % each: per mol of 2-MeTHF, 1/0.95^2 mol of
    furfural (5 C each) is charged and 5 C leave in the product, so 5 x (1/0.9025 - 1) =
    0.54017 mol C is lost per mol, i.e. 0.54017 x 44.009 / 86.134 = 0.27599 kg of CO2 per kg
    of 2-MeTHF. That CO2 is biogenic: reported apart, not in the value; the same recipe without
    the biogenic_carbon declarations counts it as fossil, and only it."""
    from lca.assessment import assess
    from lca.factors import load_factor_set
    from lca.recipe import parse_recipe

    m_co2, m_methf = molar_mass("CO2"), molar_mass("C5H10O")
    lost_co2 = 5 * (1 / 0.95**2 - 1) * m_co2 / m_methf
    assert lost_co2 == pytest.approx(0.27599, rel=1e-4)
    factors = load_factor_set(exclude_tiers=("proxy",))
    data = tomllib.loads((RECIPES / "2-methf.toml").read_text(encoding="utf-8"))
    biogenic = assess(parse_recipe(data), factors=factors, with_mode_effects=False).footprint
    assert biogenic.total == pytest.approx(value_of("2-methf"), rel=2e-5)
    own = [a for a in biogenic.model.apart if a.term.tier == "stoichiometric"]
    assert own and all("biogenic CO2" in a.term.flow for a in own)
    assert biogenic.biogenic_co2 - _supply_biogenic(biogenic) == pytest.approx(lost_co2, rel=1e-6)
    for material in ("furfural", "2-methylfuran", "2-methf"):
        data["materials"][material].pop("biogenic_carbon")
    fossil = assess(parse_recipe(data), factors=factors, with_mode_effects=False).footprint
    assert fossil.total - biogenic.total == pytest.approx(lost_co2, rel=1e-6)
    # the report and the row's notes say so
    report = (LIBRARY / "estimated-report.md").read_text(encoding="utf-8")
    section = report.split("### `material:2-methf`", 1)[1].split("### `material:", 1)[0]
    stated = re.search(r"Biogenic CO2 of the carbon the route burns: ([0-9.e-]+) kg", section)
    assert stated and float(stated.group(1)) == pytest.approx(lost_co2, rel=1e-5)
    (row,) = [
        r for r in committed_rows() if r["key"] == "material:2-methf" and r["gwp_basis"] == "AR6"
    ]
    assert "Biogenic CO2 of the carbon the route burns, reported apart" in row["notes"]
    furfural_section = report.split("### `material:furfural`", 1)[1].split("### `material:", 1)[0]
    assert "Biogenic CO2 of the carbon" not in furfural_section  # cobs: no formula, no carbon


def _supply_biogenic(footprint) -> float:
    """Biogenic CO2 rows of the factors used (USLCI supply chains), not the route's own."""
    return float(
        sum(
            value
            for apart, value in zip(footprint.model.apart, footprint.apart_values, strict=True)
            if apart.term.tier != "stoichiometric"
        )
    )


def test_benzamide_example_burns_its_2_methf_as_biogenic_carbon():
    """10 vol of 2-MeTHF on 5.0 kg of p-anisic acid: 50 L x 0.854 kg/L = 42.7 kg per batch; the
    coupling gives 0.88 x 5.0 kg / 152.149 g/mol x 241.290 g/mol = 6.9777 kg of product, so
    6.1195 kg of 2-MeTHF per kg, none recovered. Burned, its carbon gives 5 x 44.009 / 86.134 =
    2.5547 kg CO2 per kg (the research's stoichiometric figure for 2-MeTHF), 15.633 kg per kg
    of product, biogenic as the estimate assumes: reported apart, not in the total."""
    from lca.assessment import assess

    product = 0.88 * 5.0 / molar_mass("C8H8O3") * molar_mass("C15H15NO2")
    methf = 10 * 5.0 * 0.854 / product
    co2_per_kg = 5 * molar_mass("CO2") / molar_mass("C5H10O")
    assert co2_per_kg == pytest.approx(2.5547, abs=1e-4)
    footprint = assess(ROOT / "processes" / "benzamide-convergent.toml").footprint
    assert footprint.biogenic_co2 == pytest.approx(methf * co2_per_kg, rel=1e-6)
    assert footprint.biogenic_co2 == pytest.approx(15.633, rel=1e-4)
    fossil = "spent 2-methf to incineration (fossil CO2)"
    assert fossil not in {term.flow for term in footprint.model.terms}
    assert "spent 2-methf to incineration (biogenic CO2)" in {
        apart.term.flow for apart in footprint.model.apart
    }


# --- the build ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built():
    from lca.factorbuild import estimated

    return estimated.run(ROOT)


def test_build_reproduces_committed_files_byte_for_byte(built):
    from lca.factorbuild.proxy import PROXY_FILE, proxies_text

    assert set(built) == {
        "factors/greenroute-open/estimated.csv",
        "factors/greenroute-open/estimated-report.md",
        "factors/greenroute-open/README.md",
    }
    for relative, text in built.items():
        assert (ROOT / relative).read_text(encoding="utf-8") == text, relative
    proxies = proxies_text(LIBRARY, ROOT / "factors" / "materials.csv")
    assert (LIBRARY / PROXY_FILE).read_text(encoding="utf-8") == proxies


def test_every_row_has_its_recipe_an_uncertainty_and_both_gwp_sets():
    from lca.uncertainty import factor_distribution

    rows = committed_rows()
    recipes = {path.stem for path in RECIPES.glob("*.toml")}
    assert len(recipes) >= 40
    by_material: dict[str, set[str]] = {}
    for row in rows:
        material = row["key"].removeprefix("material:")
        by_material.setdefault(material, set()).add(row["gwp_basis"])
        assert material in recipes, row["key"]
        assert f"factors/build/estimated/{material}.toml" in row["source"]
        assert row["source"].startswith("[greenroute-estimated] ")
        assert row["data_quality"].startswith("estimated")
        assert (row["tier"], row["region"], row["unit"]) == ("estimated", "US", "kg CO2e / kg")
        distribution = factor_distribution(row["uncertainty"], float(row["value"]), row["key"])
        low, high = (float(x) for x in row["uncertainty"][4:].split("-"))
        assert distribution.kind == "lognormal" and low < float(row["value"]) < high
    assert set(by_material) == recipes
    assert all(sets == {"AR6", "AR5"} for sets in by_material.values())


def test_precursors_come_before_what_uses_them():
    from lca.factorbuild.estimated import raw_materials, read_recipes

    recipes = read_recipes(ROOT)
    order = list(dict.fromkeys(r["key"].removeprefix("material:") for r in committed_rows()))
    assert sorted(order) == sorted(recipes)
    for position, material in enumerate(order):
        bought = raw_materials(recipes[material][1])
        for precursor in bought:
            if precursor in recipes:
                assert order.index(precursor) < position, (precursor, material)
    # the chain the lidocaine route needs: cumene -> phenol -> 2,6-dimethylaniline
    assert order.index("cumene") < order.index("phenol") < order.index("2-6-dimethylaniline")


def test_dependency_cycle_is_refused():
    from lca.factorbuild.estimated import dependency_order
    from lca.recipe import parse_recipe

    def recipe(product: str, bought: str):
        return parse_recipe(
            {
                "schema_version": 1,
                "route": {"name": product, "product": product, "source": "test"},
                "steps": [
                    {
                        "id": "s",
                        "inputs": [{"material": bought, "amount": "1 kg", "role": "reactant"}],
                        "product": {"material": product, "amount": "1 kg"},
                    }
                ],
            }
        )

    chain = {"a": ("a.toml", recipe("a", "water")), "b": ("b.toml", recipe("b", "a"))}
    assert dependency_order(chain) == [("a", ()), ("b", ("a",))]
    cycle = {"a": ("a.toml", recipe("a", "b")), "b": ("b.toml", recipe("b", "a"))}
    with pytest.raises(FactorError, match="depend on each other in a cycle"):
        dependency_order(cycle)


def test_no_estimate_rests_on_a_proxy_or_leaves_a_material_uncovered():
    from lca.assessment import assess
    from lca.factorbuild.estimated import _check
    from lca.factors import load_factor_set
    from lca.recipe import parse_recipe, read_recipe

    with_estimates = load_factor_set(exclude_tiers=("proxy",))
    for path in sorted(RECIPES.glob("*.toml")):
        footprint = assess(read_recipe(path), factors=with_estimates).footprint
        _check(footprint, path.name)  # raises on a proxy, spend-based or uncovered flow
        tiers = {term.tier for term in footprint.model.terms}
        assert tiers <= {"cited", "computed", "estimated", "stoichiometric"}, path.name
        # the recipe is the factor: assessing it again gives the committed value
        assert footprint.total == pytest.approx(value_of(path.stem), rel=2e-5), path.name
    # a recipe that buys a material only a class proxy covers is refused
    text = (RECIPES / "isopropanol.toml").read_text(encoding="utf-8")
    water = '{ material = "water", amount = "1 equiv", role = "reactant" },'
    extra = '\n  { material = "celite", amount = "10 kg", role = "workup" },'
    celite = text.replace(water, water + extra)
    footprint = assess(parse_recipe(celite), factors=load_factor_set()).footprint
    with pytest.raises(FactorError, match="'celite' uses a proxy factor"):
        _check(footprint, "celite.toml")
    uncovered = assess(parse_recipe(celite), factors=with_estimates).footprint
    with pytest.raises(FactorError, match="materials flow 'celite' has no factor"):
        _check(uncovered, "celite.toml")


# --- the defaults in the recipes ------------------------------------------------------------

Z95_ONE_SIDED = 1.6448536269514722
NOTE = re.compile(
    r"USLCI default, (organic|inorganic): (heat|electricity) ([0-9.]+) (?:MJ|kWh)/kg \(median\) "
    r"x ([0-9.]+) t"
)


def energy_defaults() -> dict[tuple[str, str], tuple[float, float]]:
    with (ROOT / "factors" / "build" / "energy-defaults.csv").open(encoding="utf-8") as handle:
        return {
            (r["group"], r["quantity"]): (float(r["median"]), float(r["p95"]))
            for r in csv.DictReader(handle)
        }


def test_recipes_use_the_current_uslci_energy_default():
    defaults = energy_defaults()
    used = 0
    for path in sorted(RECIPES.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        gsds = {u["parameter"]: u.get("gsd") for u in data.get("uncertainty", [])}
        for step in data["steps"]:
            for line in step.get("energy", []):
                match = NOTE.match(line.get("notes", ""))
                if not match:
                    continue
                group, quantity, median, tonnes = match.groups()
                current, p95 = defaults[(group, quantity)]
                assert float(median) == current, (path.name, line)
                amount = float(line["amount"].split()[0])
                assert amount == pytest.approx(current * 1000 * float(tonnes), rel=1e-4), path.name
                gsd = gsds[f"{step['id']}.energy.{line['carrier']}.amount"]
                assert gsd == pytest.approx((p95 / current) ** (1 / Z95_ONE_SIDED), abs=6e-4)
                used += 1
    assert used >= 80


def test_every_step_has_a_yield_or_amount_distribution_with_its_source():
    for path in sorted(RECIPES.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        stated = {u["parameter"]: u for u in data.get("uncertainty", [])}
        assert all(u.get("source") for u in stated.values()), path.name
        for step in data["steps"]:
            product = step["product"]
            if "yield" in product:
                assert f"{step['id']}.product.yield" in stated, (path.name, step["id"])
            else:
                assert any(p.startswith(f"{step['id']}.inputs.") for p in stated), path.name


def test_equation_of_a_step_and_what_it_leaves_over():
    from lca.factorbuild.estimated_report import equation
    from lca.materials import Material
    from lca.recipe import Step

    materials = {
        "methanol": Material("methanol", formula="CH4O"),
        "chlorine": Material("chlorine", formula="Cl2"),
        "dcm": Material("dcm", formula="CH2Cl2"),
    }
    step = Step.model_validate(
        {
            "id": "s",
            "inputs": [
                {"material": "methanol", "amount": "1 kmol", "role": "reactant", "limiting": True},
                {"material": "chlorine", "amount": "1 equiv", "role": "reactant"},
            ],
            "product": {"material": "dcm", "yield": 0.95},
        }
    )
    # CH4O + Cl2 -> CH2Cl2 leaves H2O (C 1-1, H 4-2, O 1, Cl 2-2)
    assert equation(step, materials) == "CH4O + Cl2 -> CH2Cl2 + [H2O to the residue]"
    report = (LIBRARY / "estimated-report.md").read_text(encoding="utf-8")
    assert "UNBALANCED" not in report


@settings(max_examples=6, deadline=None)
@given(scale=st.floats(min_value=0.01, max_value=1000.0))
def test_batch_size_does_not_change_an_estimate(scale):
    """Charges and energy scaled together: the factor per kg of product is the same."""
    from lca.assessment import assess
    from lca.recipe import parse_recipe

    data = tomllib.loads((RECIPES / "dcm.toml").read_text(encoding="utf-8"))
    step = data["steps"][0]
    limiting = step["inputs"][0]
    number, unit = limiting["amount"].split()
    limiting["amount"] = f"{float(number) * scale!r} {unit}"
    for line in step["energy"]:
        number, unit = line["amount"].split()
        line["amount"] = f"{float(number) * scale!r} {unit}"
    factors = tiers_1_2()
    original = assess(RECIPES / "dcm.toml", factors=factors, with_mode_effects=False)
    scaled = assess(parse_recipe(data), factors=factors, with_mode_effects=False)
    assert scaled.footprint.total == pytest.approx(original.footprint.total, rel=1e-9)


# --- the comparison and the coverage of the material table -----------------------------------


def test_comparisons_are_in_the_readme_and_the_report():
    from lca.factorbuild.estimated import read_comparisons

    comparisons = read_comparisons(ROOT)
    readme = (LIBRARY / "README.md").read_text(encoding="utf-8")
    report = (LIBRARY / "estimated-report.md").read_text(encoding="utf-8")
    for material, entries in comparisons.items():
        for entry in entries:
            ours = value_of(material)
            line = f"| `{material}` | {ours:.6g} | {entry['value']:.6g} | "
            assert line + f"{ours / entry['value']:.2f} |" in readme
            assert line in report
    # the dichloromethane lead is 2.3 times ours: an unverified figure, kept and explained
    assert value_of("dcm") / 3.43 < 0.5


def out_of_scope() -> dict[str, str]:
    readme = (LIBRARY / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Materials without a factor", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `([^`]+)` \| (.+) \|$", section, flags=re.M))


def test_every_material_has_a_factor_or_is_listed_out_of_scope_with_a_reason():
    from lca.factors import load_factor_set
    from lca.materials import read_materials

    materials = read_materials(ROOT / "factors" / "materials.csv")
    factors = load_factor_set()

    def covered(material_id: str) -> bool:
        material = materials[material_id]
        if factors.lookup_material(f"material:{material_id}") is not None:
            return True
        if material.composition:
            return all(covered(part) for part, _ in material.composition)
        return (
            bool(material.material_class)
            and factors.lookup_class(material.material_class) is not None
        )

    listed = out_of_scope()
    assert listed and all(len(reason) > 20 for reason in listed.values())
    assert set(listed) <= set(materials)
    missing = sorted(m for m in materials if not covered(m) and m not in listed)
    stale = sorted(m for m in listed if covered(m))
    assert missing == [] and stale == []


def test_new_materials_have_valid_cas_and_formula_molar_mass():
    with (ROOT / "factors" / "materials.csv").open(encoding="utf-8") as handle:
        rows = {r["id"]: r for r in csv.DictReader(handle)}
    for path in RECIPES.glob("*.toml"):
        row = rows[path.stem]
        digits = row["cas"].replace("-", "")
        assert re.fullmatch(r"\d{2,7}-\d\d-\d", row["cas"]), row["id"]
        check = sum(int(d) * (i + 1) for i, d in enumerate(reversed(digits[:-1]))) % 10
        assert check == int(digits[-1]), row["id"]
        if row["formula"] and row["molar_mass"]:
            assert math.isclose(float(row["molar_mass"]), molar_mass(row["formula"]), rel_tol=1e-3)


def test_every_bundled_example_is_covered_by_tiers_1_to_3():
    """Issue 10: >= 95 % of every example's non-water raw-material mass on tiers 1-3, 100 % on
    tiers 1-4 (docs/estimated-factors.md, 'Coverage')."""
    from lca.assessment import assess
    from lca.resources import example_paths

    examples = example_paths()
    assert len(examples) >= 6
    shares = {}
    for path in examples:
        coverage = assess(path).footprint.coverage_by_tier()
        shares[path.stem] = sum(coverage.get(t, 0.0) for t in ("cited", "computed", "estimated"))
        assert coverage.get("uncovered", 0.0) == 0.0, path.stem
        assert sum(coverage.values()) == pytest.approx(1.0), path.stem
    assert all(share >= 0.95 for share in shares.values()), shares
    # benzamide: only Boc-benzylamine (Boc2O needs an alkali metal) and HOBt remain on proxies
    assert 0.95 <= shares["benzamide-convergent"] < 0.96


def test_report_lists_every_estimate_with_its_interval():
    report = (LIBRARY / "estimated-report.md").read_text(encoding="utf-8")
    for row in committed_rows():
        if row["gwp_basis"] != "AR6":
            continue
        assert f"### `{row['key']}`" in report
        low, high = row["uncertainty"][4:].split("-")
        assert f"95 % interval {low}-{high} (AR6)" in report


def test_a_stale_recipe_name_is_a_one_line_error(tmp_path):
    import shutil

    from lca.factorbuild.estimated import read_recipes

    shutil.copytree(ROOT / "factors", tmp_path / "factors")
    moved = tmp_path / "factors" / "build" / "estimated"
    (moved / "dcm.toml").rename(moved / "dichloromethane.toml")
    with pytest.raises(FactorError, match=r"route\.product is 'dcm'; a route recipe is named"):
        read_recipes(tmp_path)
    (moved / "dichloromethane.toml").write_text(
        (moved / "isopropyl-acetate.toml")
        .read_text()
        .replace('product = "isopropyl-acetate"', 'product = "dichloromethane"')
        .replace('material = "isopropyl-acetate"', 'material = "dichloromethane"')
    )
    with pytest.raises(FactorError, match=r"'dichloromethane' is not in factors/materials\.csv"):
        read_recipes(tmp_path)


def test_build_output_rows_read_back_as_the_library_reads_them(built):
    from lca.factors import read_library

    text = built["factors/greenroute-open/estimated.csv"]
    rows = list(csv.DictReader(io.StringIO(text)))
    library = read_library(LIBRARY, "AR5", default_tier="cited")
    factors = library.groups("material:thf")
    ((region, tier),) = factors
    assert (region, tier) == ("US", "estimated")
    (ar5,) = factors[(region, tier)]  # one of the two alternatives, the run's set
    assert ar5.gwp_basis == "AR5"
    assert (
        float(
            next(r for r in rows if r["key"] == "material:thf" and r["gwp_basis"] == "AR5")["value"]
        )
        == ar5.value
    )
