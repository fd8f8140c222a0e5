"""Co-products: atom economy with co-product credit, theoretical E-factor, co-product mass in the
inventory, mass balance and step waste, and the checks of ``allocation``. Hand-computed."""

from __future__ import annotations

import pytest
from helpers import route

from lca.assessment import assess
from lca.errors import RecipeError
from lca.inventory import build_inventory

# BHC ibuprofen, step 1: isobutylbenzene + acetic anhydride -> 4-isobutylacetophenone + AcOH
#   C10H14  = 10*12.011 + 14*1.008            = 134.222 g/mol
#   C4H6O3  = 4*12.011 + 6*1.008 + 3*15.999   = 102.089 g/mol
#   C12H16O = 12*12.011 + 16*1.008 + 15.999   = 176.259 g/mol
#   C2H4O2  = 2*12.011 + 4*1.008 + 2*15.999   =  60.052 g/mol
MATERIALS = {
    "isobutylbenzene": {"formula": "C10H14"},
    "ketone": {"formula": "C12H16O"},
}
REACTANTS = 134.222 + 102.089  # 236.311 g/mol of reactants per equation


def acylation(coproduct=None, batches=1, failure_rate=None, **step):
    # 10 kmol isobutylbenzene = 1342.22 kg; acetic anhydride 1.1 equiv = 11 kmol = 1122.979 kg;
    # HF 1500 kg (solvent); ketone at 85 %: 8.5 kmol = 1498.2015 kg
    data = {
        "id": "acylation",
        "batches": batches,
        "inputs": [
            {
                "material": "isobutylbenzene",
                "amount": "1342.22 kg",
                "role": "reactant",
                "limiting": True,
            },
            {"material": "acetic-anhydride", "amount": "1.1 equiv", "role": "reactant"},
            {"material": "hf", "amount": "1500 kg", "role": "solvent"},
        ],
        "product": {"material": "ketone", "yield": 0.85},
        **step,
    }
    if failure_rate is not None:
        data["failure_rate"] = failure_rate
    if coproduct is not None:
        data["coproducts"] = [coproduct]
    return route([data], product="ketone", materials={**MATERIALS, "hf": {}})


ACETIC_ACID = {"material": "acetic-acid", "yield": 0.85, "price": "0.6 USD/kg"}


def test_bhc_atom_economy_with_acetic_acid_credit():
    result = assess(acylation(ACETIC_ACID))
    # AE = 176.259 / 236.311 * 100 = 74.588 %
    assert result.value("atom_economy", "acylation") == pytest.approx(176.259 / REACTANTS * 100)
    # with the acetic acid credited: (176.259 + 60.052) / 236.311 = 100 % (the equation is
    # balanced: nothing but the two products)
    assert result.value("atom_economy_with_coproducts", "acylation") == pytest.approx(100.0)
    # theoretical E-factor = 100 / 74.588 - 1 = 236.311 / 176.259 - 1 = 0.34070
    assert result.value("theoretical_e_factor", "acylation") == pytest.approx(
        REACTANTS / 176.259 - 1
    )
    assert result.value("theoretical_e_factor_with_coproducts", "acylation") == pytest.approx(
        0.0, abs=1e-12
    )
    assert result.warnings == ()


def test_coproduct_metrics_are_absent_without_coproducts():
    result = assess(acylation())
    assert result.value("theoretical_e_factor", "acylation") == pytest.approx(
        REACTANTS / 176.259 - 1
    )
    for metric in ("atom_economy_with_coproducts", "coproducts"):
        with pytest.raises(KeyError):
            result.value(metric, "acylation")


def test_coproduct_mass_on_the_campaign_basis_and_per_kg_of_product():
    # 4 batches, 25 % failed: 3 good batches.
    # acetic acid per batch = 0.85 * 10 kmol * 60.052 = 510.442 kg; campaign = 3 * 510.442
    # ketone per batch = 1498.2015 kg; co-product per kg ketone = 510.442 / 1498.2015 = 0.340703
    inventory = build_inventory(acylation(ACETIC_ACID, batches=4, failure_rate=0.25))
    assert inventory.coproduct_kg[0] == pytest.approx(3 * 510.442)
    assert inventory.product_kg[0] == pytest.approx(3 * 1498.2015)
    assert inventory.coproduct_result[0, 0] == pytest.approx(510.442 / 1498.2015)
    line = inventory.coproducts[0]
    assert (line.step, line.material, line.displaces) == ("acylation", "acetic-acid", "acetic-acid")
    assert (line.price.per_kg, line.price.currency) == (0.6, "USD")
    assert inventory.allocation == (None,)


def test_pmi_is_not_credited_and_step_waste_excludes_coproducts():
    with_cp = assess(acylation(ACETIC_ACID))
    without = assess(acylation())
    # conventional PMI = (1342.22 + 1122.979 + 1500) / 1498.2015, co-product or not
    assert with_cp.value("pmi") == pytest.approx((1342.22 + 1122.979 + 1500) / 1498.2015)
    assert with_cp.value("pmi") == pytest.approx(without.value("pmi"))
    # waste = PMI - 1 - co-product per kg product
    assert with_cp.value("waste", "acylation") == pytest.approx(
        without.value("waste", "acylation") - 510.442 / 1498.2015
    )
    assert with_cp.value("coproducts") == pytest.approx(510.442 / 1498.2015)


def test_coproducts_per_kg_of_final_product_through_the_route():
    # step 2 charges 2 kg of ketone per kg of api: the co-product of step 1 per kg of api is
    # 2 * 510.442 / 1498.2015
    recipe = acylation(ACETIC_ACID).model_dump(by_alias=True, exclude_unset=True)
    recipe["steps"][0]["coproducts"][0] = ACETIC_ACID
    recipe["steps"].append(
        {
            "id": "next",
            "inputs": [{"material": "ketone", "amount": "2 kg", "role": "reactant"}],
            "product": {"material": "api", "amount": "1 kg"},
        }
    )
    recipe["route"]["product"] = "api"
    recipe["materials"]["api"] = {}
    result = assess(route(recipe["steps"], product="api", materials=recipe["materials"]))
    assert result.value("coproducts", "acylation") == pytest.approx(2 * 510.442 / 1498.2015)
    assert result.inventory.coproduct_result[0, 0] == pytest.approx(2 * 510.442 / 1498.2015)


def test_mass_balance_includes_coproducts():
    # 3965.2 kg of inputs cannot give 1498.2 kg of ketone and 2500 kg of co-product (3998.2 kg)
    heavy = {"material": "acetic-acid", "amount": "2500 kg"}
    with pytest.raises(RecipeError, match=r"and 2500 kg of co-products from 3965\.2 kg of inputs"):
        build_inventory(acylation(heavy))


def test_continuous_coproduct_rate_is_collected_after_start_up():
    # a rate of 2 kg/h over a 10 h run with 1 h start-up: 18 kg
    recipe = route(
        [
            {
                "id": "s",
                "mode": "continuous",
                "run_time": "10 h",
                "startup": {"time": "1 h"},
                "inputs": [{"material": "a", "amount": "10 kg/h", "role": "reactant"}],
                "product": {"material": "p", "amount": "5 kg/h"},
                "coproducts": [{"material": "c", "amount": "2 kg/h"}],
            }
        ],
        product="p",
        materials={"a": {}, "p": {}, "c": {}},
    )
    assert build_inventory(recipe).coproduct_kg[0] == pytest.approx(18.0)


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (
            {"allocation": "mass"},
            "allocation: allocation = \"mass\" but step 'acylation' has no co-products",
        ),
        (
            {
                "allocation": "economic",
                "coproducts": [{"material": "acetic-acid", "yield": 0.85}],
            },
            "product.price: economic allocation needs the value of the product",
        ),
        (
            {
                "allocation": "economic",
                "product": {"material": "ketone", "yield": 0.85, "price": "40 USD/kg"},
                "coproducts": [{"material": "acetic-acid", "yield": 0.85}],
            },
            "coproducts[0] (acetic-acid).price: economic allocation needs the value of every",
        ),
        (
            {
                "allocation": "economic",
                "product": {"material": "ketone", "yield": 0.85, "price": "40 USD/kg"},
                "coproducts": [{"material": "acetic-acid", "yield": 0.85, "price": "1 EUR/kg"}],
            },
            "economic allocation needs prices in one currency, got EUR, USD",
        ),
        (
            {"coproducts": [{"material": "acetic-acid", "yield": 0.85, "price": "0.6 USD"}]},
            "coproducts[0] (acetic-acid).price: '0.6 USD' is not a price per mass",
        ),
        (
            {"coproducts": [{"material": "ketone", "amount": "1 kg"}]},
            "coproducts[0] (ketone).material: 'ketone' is the product of step 'acylation'",
        ),
        (
            {"coproducts": [{"material": "acetic-acid", "amount": "1 kg", "yield": 0.5}]},
            "coproducts[0] (acetic-acid): give the isolated `amount` or the `yield`, not both",
        ),
        (
            {"coproducts": [{"material": "acetic-acid", "amount": "2 equiv"}]},
            "'2 equiv' is an amount in equivalents; give the isolated mass",
        ),
    ],
)
def test_coproduct_and_allocation_problems_name_the_field(step, message):
    with pytest.raises(RecipeError) as caught:
        build_inventory(acylation(**step))
    assert message in str(caught.value)


def test_system_expansion_keeps_the_displaced_material():
    recipe = acylation(
        {"material": "acetic-acid", "yield": 0.85, "displaces": "acetic-acid-fossil"},
        allocation="system-expansion",
    )
    inventory = build_inventory(recipe)
    assert inventory.coproducts[0].displaces == "acetic-acid-fossil"
    assert inventory.allocation == ("system-expansion",)


def test_coproduct_yield_is_a_parameter_and_varies_the_coproduct_mass():
    import numpy as np

    from lca.parameters import recipe_parameters
    from lca.units import Values

    recipe = acylation(ACETIC_ACID)
    parameter = recipe_parameters(recipe)["acylation.coproducts.acetic-acid.yield"]
    assert parameter.value == 0.85
    variants = build_inventory(recipe, values=Values({parameter.where: np.array([0.5, 0.85])}))
    # 0.5 * 10 kmol * 60.052 = 300.26 kg; 0.85 -> 510.442 kg
    np.testing.assert_allclose(variants.coproduct_kg[:, 0], [300.26, 510.442])


def test_coproducts_on_the_columns_path_equal_the_evaluation():
    inventory = build_inventory(acylation(ACETIC_ACID, batches=2))
    fast = inventory.coproduct_columns_per_kg(inventory.columns())
    assert fast[0] == pytest.approx(inventory.coproduct_result[0, 0])


# -- one step waste: the step's mass balance, read by the Steps table and the Sankey ----------


def test_step_waste_is_the_mass_balance_net_of_recovery_and_coproducts():
    # acylation with acetic acid and the HF solvent 80 % recovered, per kg of ketone:
    #   charged      (1342.22 + 1122.979 + 1500) / 1498.2015 = 2.646639...
    #   co-product   510.442 / 1498.2015                      = 0.340703...
    #   recovered    0.8 * 1500 / 1498.2015                   = 0.800960...
    #   waste        charged - 1 - co-product - recovered
    recipe = acylation(ACETIC_ACID)
    data = recipe.model_dump(by_alias=True, exclude_unset=True)
    data["steps"][0]["inputs"][2]["recovered"] = 0.8
    result = assess(route(data["steps"], product="ketone", materials=data["materials"]))
    charged = (1342.22 + 1122.979 + 1500) / 1498.2015
    coproduct, recovered = 510.442 / 1498.2015, 0.8 * 1500 / 1498.2015
    waste = charged - 1.0 - coproduct - recovered
    assert result.value("waste", "acylation") == pytest.approx(waste)
    balance = result.inventory.step_balance
    assert balance.inflow[0] == pytest.approx(charged)
    assert balance.recovered[0] == pytest.approx(recovered)
    assert balance.coproducts[0] == pytest.approx(coproduct)
    assert balance.waste[0] == pytest.approx(waste)
    # the Sankey draws the same outputs: recovered, co-products and the same waste
    from lca.reporting.charts import sankey_links

    nodes, links = sankey_links(result)
    out = {nodes[link["target"]]["kind"]: link["value"] for link in links}
    assert out["waste"] == pytest.approx(waste)
    assert out["recovered"] == pytest.approx(recovered)
    assert out["coproduct"] == pytest.approx(coproduct)
