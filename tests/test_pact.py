"""``lca export pact`` and ``Assessment.to_pact``: PACT 2.3.3 ProductFootprints, validated against
the official schema (tests/data/pact, unmodified, with its licence), with hand-computed figures."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import subprocess
import sys

import pytest
from conftest import DATA, ROOT
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from lca.assessment import assess
from lca.cli import app
from lca.elements import carbon_mass_fraction
from lca.errors import PactError
from lca.factors import FactorSet, read_library
from lca.recipe import parse_recipe, read_recipe
from lca.reporting.pact import decimal_text, pact_footprint
from lca.reporting.pact_quality import data_quality, pact_rating

SCHEMA = DATA / "pact" / "openapi-2.3.3.yaml"
SCHEMA_SHA256 = "86bc6d5df6e55b3837ce14b78c920727852070f2cc2977c1d6e77cf208ed4d95"
PROCESSES = sorted((ROOT / "processes").glob("*.toml"))
EXAMPLE = ROOT / "processes" / "lidocaine-batch.toml"
HEADER = "key,name,value,unit,region,year,scope,source,licence,data_quality,uncertainty,notes\n"
CO2_PER_C = 44.009 / 12.011
DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
URN = re.compile(r"^urn:[a-z0-9][a-z0-9-]{0,30}[a-z0-9]:\S+$", re.IGNORECASE)
DATE_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$")
OWNER = dict(
    company_name="Example Pharma Ltd",
    company_ids=["urn:pact:company:customcode:buyer-assigned:4321"],
    product_ids=["urn:pact:example.com:product-id:lido-01"],
    cpc="35290",  # a code of the right form; the tests check the format, not the classification
    reference_period_start="2024-01-01",
    reference_period_end="2025-01-01",
)
OWNER_ARGS = [
    "--company-name", "Example Pharma Ltd",
    "--company-id", "urn:pact:company:customcode:buyer-assigned:4321",
    "--product-id", "urn:pact:example.com:product-id:lido-01",
    "--cpc", "35290", "--period-start", "2024-01-01", "--period-end", "2025-01-01",
]  # fmt: skip
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def validator():
    """The official ProductFootprint schema of PACT 2.3.3, its references resolved in place."""
    import jsonschema
    import yaml

    spec = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": "#/components/schemas/ProductFootprint",
        "components": spec["components"],
    }
    checker = jsonschema.FormatChecker()

    @checker.checks("decimal")
    def _decimal(value) -> bool:
        return not isinstance(value, str) or bool(DECIMAL.match(value))

    @checker.checks("urn")
    def _urn(value) -> bool:
        return not isinstance(value, str) or bool(URN.match(value))

    @checker.checks("date-time")
    def _date_time(value) -> bool:  # PACT: ISO 8601 in UTC
        return not isinstance(value, str) or bool(DATE_TIME.match(value))

    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=checker)


def problems(validator, document) -> list[str]:
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(document)]


def decimal_properties(validator) -> list[str]:
    properties = validator.schema["components"]["schemas"]["CarbonFootprint"]["properties"]
    return [name for name, p in properties.items() if p.get("format") == "decimal"]


def test_the_vendored_schema_is_the_unmodified_official_file():
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256
    assert "version: 2.3.3" in SCHEMA.read_text(encoding="utf-8")
    assert "World Business Council" in (DATA / "pact" / "LICENSE.md").read_text(encoding="utf-8")


def test_the_validator_rejects_what_the_spec_forbids(validator):
    """The validation can fail: numbers where decimals are strings, ids that are not URNs,
    missing required properties, a period not in UTC."""
    document = assess(EXAMPLE, with_mode_effects=False).to_pact(
        **OWNER, exempted_emissions_percent=1.0
    )
    assert problems(validator, document) == []
    for path, value in (
        (("pcf", "pCfExcludingBiogenic"), 46.8),
        (("companyIds",), ["EXAMPLE-4321"]),
        (("pcf", "referencePeriodStart"), "2024-01-01T00:00:00+01:00"),
        (("pcf", "declaredUnit"), "kg"),
    ):
        broken = json.loads(json.dumps(document))
        node = broken
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        assert problems(validator, broken), path
    del document["pcf"]["fossilCarbonContent"]
    assert any("fossilCarbonContent" in p for p in problems(validator, document))


def test_the_bundled_example_exported_by_the_cli_validates(validator, tmp_path):
    out = tmp_path / "lidocaine.json"
    result = invoke("export", "pact", EXAMPLE, *OWNER_ARGS, "--exempted-percent", "1", "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {out}: PACT 2.3.3 ProductFootprint")
    document = json.loads(out.read_text(encoding="utf-8"))
    assert problems(validator, document) == []
    assert document["specVersion"] == "2.3.3"
    assert document["pcf"]["declaredUnit"] == "kilogram"
    assert document["pcf"]["unitaryProductAmount"] == "1"
    # decimals are strings (PACT 2.3 data type Decimal), identifiers URNs, the id a UUID v4
    for name in decimal_properties(validator):
        if name in document["pcf"]:
            assert DECIMAL.match(document["pcf"][name]), name
    assert all(URN.match(i) for i in document["companyIds"] + document["productIds"])
    assert re.match(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-", document["id"])
    # rules of the specification's text that its OpenAPI schema does not encode
    assert 0 <= document["pcf"]["exemptedEmissionsPercent"] <= 5
    assert document["pcf"]["crossSectoralStandards"] == ["ISO14067", "GHGP-Product"]
    assert document["pcf"]["geographyCountry"] == "DE"  # route.region of the recipe


@pytest.mark.parametrize("path", PROCESSES, ids=lambda p: p.stem)
def test_every_bundled_example_validates(validator, path):
    assessment = assess(path, with_mode_effects=False)
    document = assessment.to_pact(**OWNER, exempted_emissions_percent=2.0)
    assert problems(validator, document) == []
    assert document["pcf"]["geographyCountry"] == assessment.recipe.route.region


def test_exported_pcf_equals_lca_assess_to_the_printed_precision():
    assessed = invoke("assess", EXAMPLE, "--format", "json")
    total = json.loads(assessed.stdout)["footprint"]["total"]
    table = invoke("assess", EXAMPLE).stdout
    printed = re.search(r"total \(net of credits\)\s*│\s*([0-9.]+)", table).group(1)
    exported = invoke("export", "pact", EXAMPLE, *OWNER_ARGS, "--exempted-percent", "1")
    assert exported.exit_code == 0, exported.output
    pcf = json.loads(exported.stdout)["pcf"]
    assert f"{float(pcf['pCfExcludingBiogenic']):.3g}" == printed  # the table's 3 digits
    assert float(pcf["pCfExcludingBiogenic"]) == pytest.approx(total, rel=5e-6)  # 6 digits
    assert pcf["fossilGhgEmissions"] == pcf["pCfExcludingBiogenic"]


def library(tmp_path, rows: str) -> FactorSet:
    path = tmp_path / "f.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return FactorSet((read_library(path),))


ROWS = (
    "material:a,a,1,kg CO2e / kg,GLO,2025,,t,CC0,primary,,\n"
    "material:bio-ethanol,b,0.5,kg CO2e / kg,GLO,2025,,t,CC0,primary,,\n"
    "energy:electricity,e,0.4,kg CO2e / kWh,GLO,2025,generation,t,CC0,primary,,\n"
    "waste:incineration,w,0.1,kg CO2e / kg,GLO,2025,,t,CC0,primary,,\n"
)


def ethanol_route(product_biogenic: float | None, solvent_biogenic: float | None, **pact):
    """1 kg of a + 10 kg of ethanol (burned when spent) + 10 kWh → 1 kg of product C2H6O."""

    def props(formula, share):
        return {"formula": formula, **({"biogenic_carbon": share} if share is not None else {})}

    return parse_recipe(
        {
            "schema_version": 1,
            "route": {"name": "t", "product": "p", "source": "test", "region": "GLO"},
            "materials": {
                "a": props("C2H6O", product_biogenic),
                "p": props("C2H6O", product_biogenic),
                "bio-ethanol": props("C2H6O", solvent_biogenic),
            },
            "steps": [
                {
                    "id": "s",
                    "inputs": [
                        {"material": "a", "amount": "1 kg", "role": "reactant", "limiting": True},
                        {"material": "bio-ethanol", "amount": "10 kg", "role": "solvent"},
                    ],
                    "product": {"material": "p", "amount": "1 kg"},
                    "energy": [{"carrier": "electricity", "amount": "10 kWh"}],
                }
            ],
            **({"pact": pact} if pact else {}),
        },
        source="t.toml",
    )


def test_a_route_with_biogenic_carbon_shows_the_fossil_biogenic_split(tmp_path, validator):
    factors = library(tmp_path, ROWS)
    # product and its reactant a: half their carbon biogenic; the solvent fully biogenic
    assessment = assess(ethanol_route(0.5, 1.0), factors=factors)
    document = assessment.to_pact(**OWNER)
    pcf = document["pcf"]
    assert problems(validator, document) == []
    w_c = carbon_mass_fraction("C2H6O")  # 2 × 12.011 / 46.069 = 0.52144 kg C/kg
    # fossil: materials 1 × 1 + 10 × 0.5, electricity 10 × 0.4, incineration 10 kg × 0.1; the
    # residue (a − product) holds no carbon; the solvent's carbon is all biogenic
    assert float(pcf["pCfExcludingBiogenic"]) == pytest.approx(1 + 5 + 4 + 1, rel=5e-6)
    assert float(pcf["fossilGhgEmissions"]) == pytest.approx(11.0, rel=5e-6)
    # biogenic CO2 of burning 10 kg of bio-ethanol, apart: 10 × 0.52144 × 3.66406 = 19.106
    assert float(pcf["otherBiogenicGhgEmissions"]) == pytest.approx(10 * w_c * CO2_PER_C, rel=5e-6)
    # the product: 0.52144 kg C/kg, half of it biogenic
    assert float(pcf["fossilCarbonContent"]) == pytest.approx(0.5 * w_c, rel=5e-6)
    assert float(pcf["biogenicCarbonContent"]) == pytest.approx(0.5 * w_c, rel=5e-6)
    # withdrawal: the product's biogenic carbon as CO2, negative: −0.26072 × 3.66406 = −0.95529
    assert float(pcf["biogenicCarbonWithdrawal"]) == pytest.approx(-0.5 * w_c * CO2_PER_C, rel=5e-6)
    # removals in the supply chain and land use are not modelled: no pCfIncludingBiogenic
    assert "pCfIncludingBiogenic" not in pcf
    assert "pCfIncludingBiogenic is therefore not given" in document["comment"]
    # everything has a factor: nothing exempted
    assert pcf["exemptedEmissionsPercent"] == 0
    assert pcf["exemptedEmissionsDescription"].startswith("None: every flow")


def test_the_same_route_all_fossil_counts_the_combustion_in_the_pcf(tmp_path):
    factors = library(tmp_path, ROWS)
    pcf = assess(ethanol_route(None, None), factors=factors).to_pact(**OWNER)["pcf"]
    w_c = carbon_mass_fraction("C2H6O")
    assert float(pcf["pCfExcludingBiogenic"]) == pytest.approx(11 + 10 * w_c * CO2_PER_C, rel=5e-6)
    assert pcf["otherBiogenicGhgEmissions"] == "0"
    assert pcf["biogenicCarbonContent"] == "0"
    assert float(pcf["fossilCarbonContent"]) == pytest.approx(w_c, rel=5e-6)


def test_undeclared_product_share_with_biogenic_inputs_is_a_warning(tmp_path):
    factors = library(tmp_path, ROWS)
    result = pact_footprint(assess(ethanol_route(None, 1.0), factors=factors), **OWNER)
    assert result.document["pcf"]["biogenicCarbonContent"] == "0"
    assert any("declares no biogenic_carbon" in w for w in result.warnings)


def test_allocation_and_recovery_are_described(tmp_path):
    recipe = ethanol_route(None, None)
    step = recipe.steps[0]
    inputs = [step.inputs[0], step.inputs[1].model_copy(update={"recovered": 0.8})]
    coproduct = {"material": "b", "amount": "0.5 kg"}
    data = recipe.model_dump(by_alias=True, exclude_none=True)
    data["steps"][0].update(
        inputs=[i.model_dump(by_alias=True, exclude_none=True) for i in inputs],
        coproducts=[coproduct],
        allocation="mass",
    )
    data["materials"]["b"] = {"formula": "C2H6O"}
    data["steps"][0]["inputs"][1]["recovery_energy"] = [
        {"carrier": "electricity", "per_kg": "0.2 kWh", "source": "test"}
    ]
    changed = parse_recipe(data, source="t.toml")
    pcf = assess(changed, factors=library(tmp_path, ROWS)).to_pact(**OWNER)["pcf"]
    assert pcf["allocationRulesDescription"] == (
        "Step 's' makes co-products (b): allocation by mass; recovered solvent (bio-ethanol) is "
        "reused in the process: the full purchase is counted and the recovered share credited "
        "as virgin solvent avoided (closed-loop recycling)."
    )
    assert (
        "Credits (recovered solvent replacing virgin solvent): -"
        in (pcf["boundaryProcessesDescription"])
    )


def test_data_quality_ratings_and_primary_share_by_hand(tmp_path):
    """All-fossil ethanol route: user factors (pedigree 2, 2, 3, 3, 3 for reliability,
    completeness, temporal, geographical, technological) and the stoichiometric CO2 of the burned
    solvent (2, 1, 1, 1, 2)."""
    factors = library(tmp_path, ROWS)
    dq = data_quality(assess(ethanol_route(None, None), factors=factors).footprint)
    co2 = 10 * carbon_mass_fraction("C2H6O") * CO2_PER_C  # 19.106 kg CO2/kg
    gross = 11 + co2  # 30.106
    # inputs above 5 %: solvent 5.0 (16.6 %), electricity 4.0 (13.3 %), its CO2 (63.5 %); a and
    # the incineration treatment (1.0 each, 3.3 %) are not rated
    covered = 5 + 4 + co2
    assert dq.coverage_percent == pytest.approx(100 * covered / gross)
    assert dq.primary_data_share == pytest.approx(100 * co2 / gross)  # 63.5 %
    assert pact_rating(1) == 1 and pact_rating(3) == 2 and pact_rating(5) == 3
    user = {"technological": 2.0, "temporal": 2.0, "geographical": 2.0,
            "completeness": 1.5, "reliability": 1.5}  # fmt: skip
    stoichiometric = {"technological": 1.5, "temporal": 1.0, "geographical": 1.0,
                      "completeness": 1.0, "reliability": 1.5}  # fmt: skip
    for indicator, key in (("technological", "technologicalDQR"), ("temporal", "temporalDQR"),
                           ("geographical", "geographicalDQR"),
                           ("completeness", "completenessDQR"),
                           ("reliability", "reliabilityDQR")):  # fmt: skip
        expected = (9 * user[indicator] + co2 * stoichiometric[indicator]) / covered
        assert dq.ratings[key] == pytest.approx(expected, abs=0.005)


def test_a_library_declared_supplier_specific_counts_as_primary(tmp_path):
    factors = library(tmp_path, ROWS)
    assessment = assess(ethanol_route(0.5, 1.0), factors=factors)
    pcf = assessment.to_pact(**OWNER, primary_libraries=["f"])["pcf"]
    # every contribution rests on library 'f' (the file f.csv): all primary, nothing secondary
    assert pcf["primaryDataShare"] == 100.0
    assert "secondaryEmissionFactorSources" not in pcf
    secondary = assessment.to_pact(**OWNER)["pcf"]
    assert secondary["primaryDataShare"] == 0.0
    assert secondary["secondaryEmissionFactorSources"] == [{"name": "f", "version": "not stated"}]


def test_missing_company_and_product_data_is_a_one_line_error():
    result = invoke("export", "pact", EXAMPLE, "--exempted-percent", "1")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    for text in ("companyName ([pact] company_name or --company-name)", "companyIds",
                 "productIds", "productCategoryCpc", "referencePeriodStart",
                 "referencePeriodEnd"):  # fmt: skip
        assert text in errors[0]
    assert "Traceback" not in result.output and result.stdout == ""


def test_one_missing_field_is_named_alone():
    args = [a for a in OWNER_ARGS if a not in ("--cpc", "35290")]
    result = invoke("export", "pact", EXAMPLE, *args, "--exempted-percent", "1")
    assert result.exit_code == 1
    assert result.stderr.strip().endswith("missing: productCategoryCpc ([pact] cpc or --cpc)")


def test_out_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "pf.json"
    out.write_text("keep me", encoding="utf-8")
    args = ("export", "pact", EXAMPLE, *OWNER_ARGS, "--exempted-percent", "1", "--out", out)
    refused = invoke(*args)
    assert refused.exit_code == 1
    assert "already exists; pass --force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    forced = invoke(*args, "--force")
    assert forced.exit_code == 0, forced.output
    assert json.loads(out.read_text(encoding="utf-8"))["specVersion"] == "2.3.3"
    assert [p.name for p in tmp_path.iterdir()] == ["pf.json"]  # no temporary file left


def test_an_error_after_the_check_leaves_the_old_file(tmp_path):
    out = tmp_path / "pf.json"
    out.write_text("keep me", encoding="utf-8")
    result = invoke("export", "pact", EXAMPLE, "--out", out, "--force")  # no owner data
    assert result.exit_code == 1
    assert out.read_text(encoding="utf-8") == "keep me"


def test_a_lower_bound_needs_the_owners_estimate_and_reports_the_gaps():
    assessment = assess(EXAMPLE, with_mode_effects=False)
    assert assessment.footprint.is_lower_bound  # no incineration treatment factor bundled
    with pytest.raises(PactError, match="lower bound: 7 flow"):
        assessment.to_pact(**OWNER)
    pcf = assessment.to_pact(
        **OWNER, exempted_emissions_percent=1.5, exempted_emissions_note="treatment ≈ 3 % of CO2"
    )["pcf"]
    assert pcf["exemptedEmissionsPercent"] == 1.5
    description = pcf["exemptedEmissionsDescription"]
    for gap in assessment.footprint.gaps:
        assert f"'{gap['flow']}' {gap['amount']:.4g} {gap['unit']}" in description
    assert description.endswith("data owner's estimate: treatment ≈ 3 % of CO2.")


@pytest.mark.parametrize("percent", [5.01, 12.0, -1.0])
def test_exempted_emissions_outside_0_to_5_percent_are_refused_not_clamped(percent):
    result = invoke("export", "pact", EXAMPLE, *OWNER_ARGS, "--exempted-percent", percent)
    assert result.exit_code == 1
    assert f"exempted emissions of {percent:g} % are outside the 0-5 %" in result.stderr


def test_uncovered_material_mass_share_is_reported(tmp_path):
    """a (1 kg, factor) + b (3 kg, no factor, no class proxy) → 1 kg of p: b is 3 of the 4 kg
    of non-water raw material, 75 %."""
    recipe = parse_recipe(
        {
            "schema_version": 1,
            "route": {"name": "t", "product": "p", "source": "test", "region": "GLO"},
            "materials": {m: {"formula": "C2H6O"} for m in ("a", "b", "p")},
            "steps": [
                {
                    "id": "s",
                    "inputs": [
                        {"material": "a", "amount": "1 kg", "role": "reactant", "limiting": True},
                        {"material": "b", "amount": "3 kg", "role": "reagent"},
                    ],
                    "product": {"material": "p", "amount": "1 kg"},
                }
            ],
        },
        source="t.toml",
    )
    result = pact_footprint(
        assess(recipe, factors=library(tmp_path, ROWS)), **OWNER, exempted_emissions_percent=4
    )
    description = result.document["pcf"]["exemptedEmissionsDescription"]
    assert "s: materials 'b' 3 kg (75 % of non-water raw-material mass)" in description
    assert any("75 % of the non-water raw-material mass has no emission factor" in w
               for w in result.warnings)  # fmt: skip


def test_recipe_pact_table_and_options(tmp_path, write_recipe):
    text = EXAMPLE.read_text(encoding="utf-8") + (
        "\n[pact]\n"
        'company_name = "Example Pharma Ltd"\n'
        'company_ids = ["urn:pact:company:customcode:buyer-assigned:4321"]\n'
        'product_ids = ["urn:pact:example.com:product-id:lido-01"]\n'
        'cpc = "35290"\n'
        "reference_period_start = 2024-01-01\n"  # a TOML date, kept as its ISO text
        'reference_period_end = "2025-01-01"\n'
        'geography = "Western Europe"\n'
        "exempted_emissions_percent = 1.0\n"
        'rules = ["tfs", "pas-2090"]\n'
    )
    path = write_recipe(text)
    recipe = read_recipe(path)
    assert recipe.pact.reference_period_start == "2024-01-01"
    document = assess(recipe, with_mode_effects=False).to_pact(
        pf_id="f4b1225a-bd44-4c8e-861d-079e4e1dfd69",
        created=datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
        company_name="Override Ltd",
    )
    assert document["id"] == "f4b1225a-bd44-4c8e-861d-079e4e1dfd69"
    assert document["created"] == "2026-01-02T03:04:05Z"
    assert document["companyName"] == "Override Ltd"  # the option wins over the table
    assert document["companyIds"] == ["urn:pact:company:customcode:buyer-assigned:4321"]
    pcf = document["pcf"]
    assert pcf["geographyRegionOrSubregion"] == "Western Europe"
    assert "geographyCountry" not in pcf
    assert [r["otherOperatorName"] for r in pcf["productOrSectorSpecificRules"]] == [
        "Together for Sustainability (TfS)",
        "BSI (British Standards Institution)",
    ]
    # the workbook form of the recipe keeps the table
    from lca.recipe_io import write_recipe as write_any

    book = write_any(recipe, tmp_path / "r.xlsx")
    assert read_recipe(book).pact == recipe.pact


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("company_ids", ["ACME-4321"], "'ACME-4321' is not a URN"),
        ("product_ids", ["urn:x:1"], "'urn:x:1' is not a URN"),  # NID needs 2 characters
        ("cpc", "35.29", "is not a UN CPC v2.1 code"),
        ("reference_period_end", "2023-12-31", "ends (2023-12-31) before it starts"),
        ("reference_period_start", "1/1/2024", "is not a date YYYY-MM-DD"),
        ("geography", "EU", "'EU' is not a PACT geography"),
        ("geography", "UK", "'UK' (did you mean 'GB'?) is not a PACT geography"),
        ("geography", "XX", "'XX' is not a PACT geography"),  # not an ISO 3166-1 code
        ("pf_id", "not-a-uuid", "is not a UUID v4"),
    ],
)
def test_invalid_owner_data_names_the_field(field, value, message):
    assessment = assess(EXAMPLE, with_mode_effects=False)
    with pytest.raises(PactError, match=re.escape(message)):
        assessment.to_pact(**{**OWNER, field: value}, exempted_emissions_percent=1)


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("US-RFCE", {"geographyCountry": "US"}),  # an eGRID subregion: its country
        ("GB", {"geographyCountry": "GB"}),
        ("GLO", {}),  # global: no geography property
        ("RER", {"geographyRegionOrSubregion": "Europe"}),
    ],
)
def test_geography_from_the_site_region(region, expected, tmp_path):
    recipe = ethanol_route(None, None)
    recipe = recipe.model_copy(update={"route": recipe.route.model_copy(update={"region": region})})
    pcf = assess(recipe, factors=library(tmp_path, ROWS)).to_pact(**OWNER)["pcf"]
    found = {k: v for k, v in pcf.items() if k.startswith("geography")}
    assert found == expected


def test_a_2025_reference_period_is_flagged_for_the_fields_greenroute_cannot_give(tmp_path):
    assessment = assess(ethanol_route(None, None), factors=library(tmp_path, ROWS))
    result = pact_footprint(assessment, **{**OWNER, "reference_period_end": "2025-07-01"})
    assert any("requires pCfIncludingBiogenic" in w for w in result.warnings)
    assert "does not meet that requirement" in result.document["comment"]
    assert not pact_footprint(assessment, **OWNER).warnings  # ends 2025-01-01, excluded


def test_gwp_basis_and_sources():
    pcf = assess(EXAMPLE, with_mode_effects=False, gwp="AR5").to_pact(
        **OWNER, exempted_emissions_percent=1
    )["pcf"]
    assert pcf["characterizationFactors"] == "AR5"
    assert pcf["ipccCharacterizationFactorsSources"] == ["AR5"]
    assert pcf["secondaryEmissionFactorSources"] == [
        {"name": "greenroute-open", "version": "2026.11"}
    ]


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).filter(lambda v: v != 0))
def test_decimal_text_is_a_dotted_decimal_within_six_digits(value):
    text = decimal_text(value)
    assert DECIMAL.match(text), text
    assert float(text) == pytest.approx(value, rel=5e-6, abs=1e-300)


def test_decimal_text_of_zero_and_tiny_numbers():
    assert decimal_text(0.0) == decimal_text(-0.0) == "0"
    assert decimal_text(1.23456789e-7) == "0.000000123457"
    assert decimal_text(46.81041258) == "46.8104"


def test_exporting_imports_no_schema_validator():
    code = (
        "import sys, lca.reporting.pact, lca.reporting.pact_quality; "
        "assert not {'jsonschema', 'yaml'} & set(sys.modules), sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_workbook_recipe_exports_the_same_footprint(tmp_path):
    from lca.recipe_io import write_recipe as write_any

    book = write_any(read_recipe(EXAMPLE), tmp_path / "lidocaine.xlsx")
    args = (*OWNER_ARGS, "--exempted-percent", "1", "--id", "f4b1225a-bd44-4c8e-861d-079e4e1dfd69")
    from_book = json.loads(invoke("export", "pact", book, *args).stdout)
    from_toml = json.loads(invoke("export", "pact", EXAMPLE, *args).stdout)
    assert from_book["pcf"] == from_toml["pcf"]
