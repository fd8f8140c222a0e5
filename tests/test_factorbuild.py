"""The USLCI factor build (lca.factorbuild): reader, linking, solve, outputs; the GWP check."""

from __future__ import annotations

import tomllib

import pytest
from conftest import ROOT

import lca.gwp as g
from lca.factorbuild.fedefl import fedefl_uuid, read_lcia_categories

BUILD = ROOT / "factors" / "build"


@pytest.fixture(scope="module")
def flcac():
    return read_lcia_categories(BUILD / "uslci" / "IPCC_json_v1.0.3.zip")


@pytest.fixture(scope="module")
def ghg():
    return tomllib.loads((BUILD / "uslci-ghg.toml").read_text(encoding="utf-8"))


def test_fedefl_uuid_recipe_reproduces_known_flows(flcac):
    # UUIDs copied from the FLCAC IPCC JSON (AR6-100): CO2 1, methane 27.9, N2O 273, SF6 25200.
    assert fedefl_uuid("Carbon dioxide") == "b6f010fb-a764-3063-af2d-bcb8309a97b7"
    assert fedefl_uuid("Methane") == "aab83476-ec6c-3742-af85-15d320b7ce80"
    assert fedefl_uuid(" Nitrous Oxide ", "Emission/Air", "KG") == (
        "cfee0524-7ad6-300b-b050-6249135a2492"
    )
    assert flcac["AR6-100"][fedefl_uuid("Sulfur hexafluoride")] == 25200.0


def test_gwp_table_matches_flcac_ipcc_method(flcac, ghg):
    table = g.load_gwp_table()
    flowables = ghg["fedefl_flowables"]
    exceptions = ghg["fedefl_exceptions"]
    # Every gas is checked, either one to one or as a documented exception.
    assert set(flowables) | set(exceptions) == set(table)
    assert not set(flowables) & set(exceptions)
    for gas_id, flowable in flowables.items():
        flow = fedefl_uuid(flowable)
        assert (flcac["AR5-100"][flow], flcac["AR6-100"][flow]) == (
            table[gas_id].ar5,
            table[gas_id].ar6,
        ), gas_id
    for gas_id, expected in exceptions.items():
        flow = fedefl_uuid(expected["flowable"])
        assert flcac["AR5-100"][flow] == expected["ar5"], gas_id
        assert flcac["AR6-100"][flow] == expected["ar6"], gas_id


def test_every_mapped_uslci_flow_is_a_gas_of_the_table(ghg):
    table = g.load_gwp_table()
    assert set(ghg["uslci_air_flows"].values()) <= set(table)
