"""Batch, continuous and modular operation, hand-computed."""

from __future__ import annotations

import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from lca.assessment import assess
from lca.errors import RecipeError
from lca.inventory import build_inventory
from lca.recipe import parse_recipe


def recipe(steps, facility=None, materials=None):
    data = {
        "schema_version": 1,
        "route": {"name": "t", "product": "api", "source": "test"},
        "materials": {
            "api": {"formula": "C8H9NO2"},
            "sm": {"formula": "C6H7NO"},
            **(materials or {}),
        },
        "steps": steps,
    }
    if facility:
        data["facility"] = facility
    return parse_recipe(data, source="t.toml")


def flows_by_origin(inventory):
    totals = {}
    for flow, kg in zip(inventory.flows, inventory.charge_kg, strict=True):
        key = (flow.material, flow.origin)
        totals[key] = totals.get(key, 0.0) + float(kg)
    return totals


def test_solution_feed_at_a_flow_rate_for_24_h():
    # 4-aminophenol (C6H7NO, 109.128 g/mol) as 0.5 mol/L in methanol, 10 mL/min for 24 h,
    # solution density 0.82 g/mL:
    #   volume = 10 mL/min * 1440 min = 14.4 L
    #   solute = 0.5 mol/L * 14.4 L = 7.2 mol * 109.128 g/mol = 785.7216 g
    #   solution = 14.4 L * 0.82 kg/L = 11.808 kg; solvent = 11.808 - 0.7857216 = 11.0222784 kg
    step = {
        "id": "flow",
        "mode": "continuous",
        "run_time": "24 h",
        "inputs": [
            {
                "material": "sm",
                "amount": "10 mL/min",
                "concentration": "0.5 mol/L",
                "solvent": "methanol",
                "solution_density": "0.82 g/mL",
                "role": "reactant",
                "limiting": True,
            }
        ],
        "product": {"material": "api", "amount": "0.5 kg"},
    }
    totals = flows_by_origin(build_inventory(recipe([step])))
    assert totals[("sm", "feed")] == pytest.approx(0.7857216)
    assert totals[("methanol", "feed solvent")] == pytest.approx(11.0222784)


def test_mass_fraction_feed_and_solvent_density_default():
    # 20 % (mass) solution, 2 kg/h for 10 h = 20 kg: 4 kg solute, 16 kg solvent
    step = {
        "id": "flow",
        "mode": "continuous",
        "run_time": "10 h",
        "inputs": [
            {
                "material": "sm",
                "amount": "2 kg/h",
                "concentration": "20 %",
                "solvent": "toluene",
                "role": "reactant",
            }
        ],
        "product": {"material": "api", "amount": "1 kg"},
    }
    totals = flows_by_origin(build_inventory(recipe([step])))
    assert totals[("sm", "feed")] == pytest.approx(4.0)
    assert totals[("toluene", "feed solvent")] == pytest.approx(16.0)


def test_start_up_diversion_reduces_the_isolated_output():
    # Feed 1 kg/h of sm for 20 h; product 0.4 kg/h at steady state.
    # Start-up 2 h diverted: product = 0.4 * (20 - 2) = 7.2 kg (not 8 kg).
    # PMI = 20 kg / 7.2 kg = 2.777...; without start-up it would be 20 / 8 = 2.5.
    def step(startup):
        data = {
            "id": "flow",
            "mode": "continuous",
            "run_time": "20 h",
            "inputs": [{"material": "sm", "amount": "1 kg/h", "role": "reactant"}],
            "product": {"material": "api", "amount": "0.4 kg/h"},
        }
        if startup:
            data["startup"] = {"time": startup}
        return data

    with_startup = assess(recipe([step("2 h")]))
    assert with_startup.inventory.product_kg[0] == pytest.approx(7.2)
    assert with_startup.value("pmi") == pytest.approx(20 / 7.2)
    assert assess(recipe([step(None)])).value("pmi") == pytest.approx(2.5)


def test_yield_based_continuous_product_is_collected_after_start_up():
    # 109.128 g/h of sm = 1 mol/h for 10 h; yield 0.9, start-up 1 h:
    # product = 0.9 * 10 mol * (10 - 1)/10 = 8.1 mol * 151.165 g/mol = 1.2244365 kg
    step = {
        "id": "flow",
        "mode": "continuous",
        "run_time": "10 h",
        "startup": {"time": "1 h"},
        "inputs": [
            {"material": "sm", "amount": "109.128 g/h", "role": "reactant", "limiting": True},
            {"material": "water", "amount": "5 kg", "role": "water"},
        ],
        "product": {"material": "api", "yield": 0.9},
    }
    inventory = build_inventory(recipe([step]))
    assert inventory.product_kg[0] == pytest.approx(1.2244365)


def test_cleaning_per_batch_versus_per_campaign_and_failures():
    # 10 batches of: 10 kg sm -> 8 kg api; acetone 20 kg per batch; water 100 kg per campaign.
    # 1 batch in 10 fails: api = 10 * 8 * 0.9 = 72 kg.
    # Raw: sm 100 + acetone 200 + water 100 = 400 kg -> PMI = 400 / 72 = 5.5556
    step = {
        "id": "s",
        "batches": 10,
        "failure_rate": 0.1,
        "inputs": [{"material": "sm", "amount": "10 kg", "role": "reactant"}],
        "product": {"material": "api", "amount": "8 kg"},
        "cleaning": [
            {"material": "acetone", "amount": "20 kg", "per": "batch"},
            {"material": "water", "amount": "100 kg", "role": "water", "per": "campaign"},
        ],
    }
    result = assess(recipe([step]))
    totals = flows_by_origin(result.inventory)
    assert totals[("acetone", "cleaning per batch")] == pytest.approx(200.0)
    assert totals[("water", "cleaning per campaign")] == pytest.approx(100.0)
    assert result.inventory.product_kg[0] == pytest.approx(72.0)
    assert result.value("pmi") == pytest.approx(400 / 72)


def test_module_overheads_allocated_by_run_time():
    # The continuous step runs 100 h; the module also makes other products for 300 h in the
    # same period, so this campaign bears 100 / (100 + 300) = 25 % of the overheads that run
    # during its campaign: HVAC 8 kW × 100 h × 0.25 = 200 kWh over 0.4 kg/h × 100 h = 40 kg
    # of product = 5 kWh/kg.
    step = {
        "id": "flow",
        "mode": "continuous",
        "run_time": "100 h",
        "inputs": [{"material": "sm", "amount": "1 kg/h", "role": "reactant"}],
        "product": {"material": "api", "amount": "0.4 kg/h"},
    }
    facility = {
        "kind": "modular",
        "other_products_time": "300 h",
        "overheads": [{"carrier": "electricity", "power": "8 kW"}],
        "changeover": [
            {"material": "water", "amount": "50 kg", "role": "water", "per": "campaign"}
        ],
    }
    result = assess(recipe([step], facility=facility))
    assert result.value("energy:electricity") == pytest.approx(200 / 40)
    lines = result.inventory.energy_lines
    assert [line.origin for line in lines] == ["facility overhead"]
    totals = flows_by_origin(result.inventory)
    assert totals[("water", "changeover cleaning")] == pytest.approx(50.0)


def test_campaign_time_from_batch_cycle_times():
    # 4 batches × 12 h = 48 h; idle power 2 kW × 48 h = 96 kWh over 4 × 5 kg = 20 kg product
    step = {
        "id": "s",
        "batches": 4,
        "cycle_time": "12 h",
        "inputs": [{"material": "sm", "amount": "10 kg", "role": "reactant"}],
        "product": {"material": "api", "amount": "5 kg"},
    }
    facility = {"kind": "stick-built", "overheads": [{"carrier": "electricity", "power": "2 kW"}]}
    result = assess(recipe([step], facility=facility))
    assert result.value("energy:electricity") == pytest.approx(96 / 20)


@pytest.mark.parametrize(
    ("step", "fragment"),
    [
        (
            {
                "id": "s",
                "mode": "continuous",
                "inputs": [{"material": "sm", "amount": "1 kg", "role": "reactant"}],
                "product": {"material": "api", "amount": "0.5 kg"},
            },
            "needs its run time",
        ),
        (
            {
                "id": "s",
                "run_time": "5 h",
                "inputs": [{"material": "sm", "amount": "1 kg", "role": "reactant"}],
                "product": {"material": "api", "amount": "0.5 kg"},
            },
            "only continuous steps have",
        ),
        (
            {
                "id": "s",
                "mode": "continuous",
                "run_time": "5 h",
                "startup": {"time": "6 h"},
                "inputs": [{"material": "sm", "amount": "1 kg/h", "role": "reactant"}],
                "product": {"material": "api", "amount": "0.1 kg/h"},
            },
            "is not shorter than the run",
        ),
        (
            {
                "id": "s",
                "inputs": [{"material": "sm", "amount": "1 kg", "role": "reactant"}],
                "cleaning": [{"material": "acetone", "amount": "1 kg", "per": "startup"}],
                "product": {"material": "api", "amount": "0.5 kg"},
            },
            "does not apply to a batch step",
        ),
        (
            {
                "id": "s",
                "mode": "continuous",
                "run_time": "5 h",
                "inputs": [
                    {
                        "material": "sm",
                        "amount": "1 L/h",
                        "concentration": "0.5 mol/L",
                        "role": "reactant",
                    }
                ],
                "product": {"material": "api", "amount": "0.1 kg"},
            },
            "needs the id of its solvent",
        ),
    ],
)
def test_mode_errors_name_the_field(step, fragment):
    with pytest.raises(RecipeError, match=fragment):
        build_inventory(recipe([step]))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 50), st.integers(1, 50), st.floats(0.5, 10))
def test_scaling_a_campaign_only_amortises_fixed_terms(batches_a, batches_b, cleaning_kg):
    # Per-batch charges give the same per-kg figure at any campaign size; only the per-campaign
    # cleaning is amortised: PMI = (10 + 2) / 5 + cleaning / (5 * batches).
    def pmi(batches):
        step = {
            "id": "s",
            "batches": batches,
            "inputs": [
                {"material": "sm", "amount": "10 kg", "role": "reactant"},
                {"material": "water", "amount": "2 kg", "role": "water"},
            ],
            "product": {"material": "api", "amount": "5 kg"},
            "cleaning": [
                {"material": "acetone", "amount": f"{cleaning_kg!r} kg", "per": "campaign"}
            ],
        }
        return assess(recipe([step])).value("pmi")

    for batches in (batches_a, batches_b):
        assert pmi(batches) == pytest.approx(12 / 5 + cleaning_kg / (5 * batches))


# zero, or a size greenroute computes with (non-zero amounts below 1e-100 are refused as read)
def zero_or(low: float, high: float):
    return st.floats(low, high).filter(lambda x: x == 0 or x >= 1e-100)


@settings(max_examples=40, deadline=None)
@given(st.floats(5, 500), zero_or(0, 4), zero_or(0, 50))
def test_longer_runs_amortise_start_up_and_flushes(run_h, startup_h, flush_kg):
    # feed 2 kg/h, product 0.5 kg/h collected after start-up, flush once at start-up:
    # PMI = (2 T + flush) / (0.5 (T - t_s))
    step = {
        "id": "flow",
        "mode": "continuous",
        "run_time": f"{run_h!r} h",
        "startup": {"time": f"{startup_h!r} h"},
        "inputs": [{"material": "sm", "amount": "2 kg/h", "role": "reactant"}],
        "product": {"material": "api", "amount": "0.5 kg/h"},
        "cleaning": [{"material": "acetone", "amount": f"{flush_kg!r} kg", "per": "startup"}],
    }
    expected = (2 * run_h + flush_kg) / (0.5 * (run_h - startup_h))
    assert assess(recipe([step])).value("pmi") == pytest.approx(expected, rel=1e-9)


def test_json_per_batch_is_per_batch_and_per_campaign_the_total():
    # lidocaine batch: 50 kg of 2,6-dimethylaniline per batch, 8 batches → 400 kg per campaign;
    # the acetone boil-out is once per campaign: 150 L × 0.7845 kg/L spread over 8 batches
    from lca.assessment import assess

    frame = assess(ROOT / "processes" / "lidocaine-batch.toml").inventory.to_frame()
    line = frame[frame["name"] == "2-6-dimethylaniline"].iloc[0]
    assert line["per_batch"] == pytest.approx(50.0)
    assert line["per_campaign"] == pytest.approx(400.0)
    boil_out = frame[(frame["name"] == "acetone") & (frame["step"] == "acylation")].iloc[0]
    assert boil_out["per_campaign"] == pytest.approx(boil_out["per_batch"] * 8)
