"""Co-product allocation of the footprint: by mass, by price, by system expansion, hand-computed."""

from __future__ import annotations

import pytest
from helpers import route

from lca.assessment import assess
from lca.elements import carbon_mass_fraction
from lca.factors import FactorSet, read_library

HEADER = "key,name,value,unit,region,year,scope,source,licence,data_quality,uncertainty,notes\n"
FACTORS = (
    "material:a,a,1.0,kg CO2e / kg,GLO,2025,,test,CC0,primary,,\n"
    "material:d,d,3.0,kg CO2e / kg,GLO,2025,,test,CC0,primary,,\n"
    "energy:electricity,e,0.5,kg CO2e / kWh,GLO,2025,generation,test,CC0,primary,,\n"
    "waste:incineration,w,0.1,kg CO2e / kg,GLO,2025,,test,CC0,primary,,\n"
)
MATERIALS = {
    "a": {"formula": "C2H6O"},
    "p": {"formula": "C2H4O2"},
    "c": {"formula": "CH4O"},
    "q": {"formula": "C2H4O2"},
}
CO2_PER_C = 44.009 / 12.011


@pytest.fixture(scope="module")
def factors(tmp_path_factory):
    path = tmp_path_factory.mktemp("alloc") / "f.csv"
    path.write_text(HEADER + FACTORS, encoding="utf-8")
    return FactorSet((read_library(path),))


def one_step(allocation=None, coproduct_price=None, displaces=None):
    # 2 kg of a + 1 kWh → 1 kg of p and 0.5 kg of c
    coproduct = {"material": "c", "amount": "0.5 kg"}
    if coproduct_price:
        coproduct["price"] = coproduct_price
    if displaces:
        coproduct["displaces"] = displaces
    step = {
        "id": "s",
        "inputs": [{"material": "a", "amount": "2 kg", "role": "reactant", "limiting": True}],
        "product": {"material": "p", "amount": "1 kg"},
        "energy": [{"carrier": "electricity", "amount": "1 kWh"}],
        "coproducts": [coproduct],
    }
    if allocation:
        step["allocation"] = allocation
    if allocation == "economic":
        step["product"]["price"] = "10 USD/kg"
    return route([step], product="p", materials=MATERIALS)


def test_without_allocation_the_product_bears_everything_and_the_coproduct_is_not_burned(
    factors,
):
    fp = assess(one_step(), factors=factors).footprint
    by = fp.by_category()
    assert by["materials"] == pytest.approx(2 * 1.0)  # 2 kg a × 1.0
    assert by["energy"] == pytest.approx(1 * 0.5)  # 1 kWh × 0.5
    # residue = 2 kg a − 1 kg p − 0.5 kg c: the co-product's carbon is not burned
    carbon = (
        2 * carbon_mass_fraction("C2H6O")
        - carbon_mass_fraction("C2H4O2")
        - 0.5 * (carbon_mass_fraction("CH4O"))
    )
    assert by["waste treatment"] == pytest.approx(carbon * CO2_PER_C + (2 - 1 - 0.5) * 0.1)
    assert by["credits"] == 0


def test_mass_allocation_gives_the_product_p_over_p_plus_c(factors):
    none = assess(one_step(), factors=factors).footprint
    mass = assess(one_step("mass"), factors=factors).footprint
    share = 1 / (1 + 0.5)  # 1 kg of product, 0.5 kg of co-product
    assert mass.by_category()["materials"] == pytest.approx(2 * 1.0 * share)
    assert mass.by_category()["energy"] == pytest.approx(0.5 * share)
    assert mass.total == pytest.approx(none.total * share)
    # the provenance shows the physical amount and the share apart
    row = next(r for r in mass.provenance() if r["flow"] == "a")
    assert row["amount"] == pytest.approx(2.0) and row["allocation"] == pytest.approx(share)


def test_economic_allocation_uses_the_prices(factors):
    economic = assess(one_step("economic", "2 USD/kg"), factors=factors).footprint
    share = (1 * 10) / (1 * 10 + 0.5 * 2)  # 10 / 11
    assert economic.by_category()["materials"] == pytest.approx(2 * 1.0 * share)


def test_system_expansion_credits_the_displaced_production(factors):
    expansion = assess(one_step("system-expansion", displaces="d"), factors=factors).footprint
    by = expansion.by_category()
    assert by["materials"] == pytest.approx(2.0)  # the product bears the whole burden
    assert by["credits"] == pytest.approx(-0.5 * 3.0)  # 0.5 kg of c displaces d at 3.0
    row = next(r for r in expansion.provenance() if r["category"] == "credits")
    assert row["flow"] == "c displaces d (system expansion)" and row["amount"] == 0.5


def test_a_displaced_material_without_factor_is_a_gap(factors):
    expansion = assess(one_step("system-expansion"), factors=factors).footprint
    gap = next(g for g in expansion.gaps if g["category"] == "credits")
    assert "material:c" in gap["reason"] and gap["amount"] == pytest.approx(0.5)


def test_an_upstream_step_carries_the_downstream_share_too(factors):
    # step 1 makes 1 kg q (mass share 1/1.5 with 0.5 kg c); step 2 turns 1 kg q + 2 kg a into
    # 1 kg p and 1 kg c (mass share 1/2). Per kg of p, step 2's own burden × 1/2, and step 1's
    # (reached through the 1 kg of q) × 1/2 × 1/1.5.
    steps = [
        {
            "id": "one",
            "inputs": [{"material": "a", "amount": "2 kg", "role": "reactant"}],
            "product": {"material": "q", "amount": "1 kg"},
            "coproducts": [{"material": "c", "amount": "0.5 kg"}],
            "allocation": "mass",
        },
        {
            "id": "two",
            "inputs": [
                {"material": "q", "amount": "1 kg", "role": "reactant"},
                {"material": "a", "amount": "2 kg", "role": "reactant"},
            ],
            "product": {"material": "p", "amount": "1 kg"},
            "coproducts": [{"material": "c", "amount": "1 kg"}],
            "allocation": "mass",
        },
    ]
    fp = assess(route(steps, product="p", materials=MATERIALS), factors=factors).footprint
    materials = {r["step"]: r["kg_co2e"] for r in fp.provenance() if r["category"] == "materials"}
    assert materials["two"] == pytest.approx(2 * 1.0 * (1 / 2))
    assert materials["one"] == pytest.approx(2 * 1.0 * (1 / 2) * (1 / 1.5))
