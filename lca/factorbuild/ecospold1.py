"""A tolerant EcoSpold 1 reader (ElementTree, no schema validation).

Brightway's importer (``bw2io.SingleOutputEcospold1Importer`` through ``pyecospold``) rejects the
USLCI fy21 q3.1 export: schema validation fails on an author name longer than the 40 characters
EcoSpold 1 allows, and without validation an empty ``timePeriod`` date raises. This reader takes
only what a life-cycle inventory needs (reference function, geography, time period, exchanges)
and never validates against the schema.

EcoSpold 1 exchange groups (Frischknecht et al. 2007, *Overview and Methodology*, ecoinvent
report No. 1, §3.7): outputs 0 reference product, 1 included in another product, 2 allocated
co-product, 3 waste to treatment, 4 to environment; inputs 1-3 materials, energy and services,
4 from nature (resources), 5 from technosphere.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lca.errors import LcaError

NS = "{http://www.EcoInvent.org/EcoSpold01}"


class EcoSpoldError(LcaError, ValueError):
    """An EcoSpold 1 file cannot be read; the message names the file and dataset."""


@dataclass(frozen=True)
class Exchange:
    """One exchange of a dataset, as written (amount per the dataset's reference amount)."""

    name: str
    category: str
    subcategory: str
    unit: str
    amount: float
    location: str
    group: str
    """``reference``, ``coproduct``, ``waste``, ``emission``, ``resource`` or ``input``."""
    cas: str = ""

    @property
    def compartment(self) -> str:
        return f"{self.category}/{self.subcategory}" if self.subcategory else self.category


@dataclass(frozen=True)
class Dataset:
    """One EcoSpold 1 dataset (unit process)."""

    number: str
    name: str
    unit: str
    amount: float
    location: str
    geography: str
    category: str
    subcategory: str
    comment: str
    start_date: str
    end_date: str
    exchanges: tuple[Exchange, ...]

    @property
    def label(self) -> str:
        """``name [unit, location] #number``: unique in USLCI, used in reports."""
        return f"{self.name} [{self.unit}, {self.location or '-'}] #{self.number}"


_OUTPUT_GROUPS = {0: "reference", 1: "included", 2: "coproduct", 3: "waste", 4: "emission"}
_INPUT_GROUPS = {1: "input", 2: "input", 3: "input", 4: "resource", 5: "input"}


def _number(text: str | None, where: str) -> float:
    try:
        return float(text) if text not in (None, "") else 0.0
    except ValueError:
        raise EcoSpoldError(f"{where}: {text!r} is not a number") from None


def _exchange(element: ET.Element, where: str) -> Exchange:
    attrib = element.attrib
    name = attrib.get("name", "").strip()
    group = None
    for child in element:
        tag = child.tag.removeprefix(NS)
        text = (child.text or "").strip()
        if tag == "outputGroup" and text.isdigit():
            group = _OUTPUT_GROUPS.get(int(text))
        elif tag == "inputGroup" and text.isdigit():
            group = _INPUT_GROUPS.get(int(text))
    if group is None:
        raise EcoSpoldError(f"{where}, exchange {name!r}: no inputGroup or outputGroup")
    return Exchange(
        name=name,
        category=attrib.get("category", "").strip(),
        subcategory=attrib.get("subCategory", "").strip(),
        unit=attrib.get("unit", "").strip(),
        amount=_number(attrib.get("meanValue"), f"{where}, exchange {name!r}, meanValue"),
        location=attrib.get("location", "").strip(),
        group=group,
        cas=attrib.get("CASNumber", "").strip(),
    )


def _dataset(element: ET.Element, source: str) -> Dataset:
    number = element.get("number", "?")
    where = f"{source}, dataset {number}"
    reference = element.find(f".//{NS}referenceFunction")
    if reference is None:
        raise EcoSpoldError(f"{where}: no referenceFunction")
    geography = element.find(f".//{NS}geography")
    period = element.find(f".//{NS}timePeriod")
    # An empty timePeriod (no or blank dates) is legal here: the dates are metadata only.
    start = end = ""
    if period is not None:
        start = (
            period.findtext(f"{NS}startDate") or period.findtext(f"{NS}startYear") or ""
        ).strip()
        end = (period.findtext(f"{NS}endDate") or period.findtext(f"{NS}endYear") or "").strip()
    where = f"{where} ({reference.get('name', '')})"
    return Dataset(
        number=number,
        name=reference.get("name", "").strip(),
        unit=reference.get("unit", "").strip(),
        amount=_number(reference.get("amount"), f"{where}, referenceFunction amount"),
        location=(geography.get("location", "") if geography is not None else "").strip(),
        geography=(geography.get("text", "") if geography is not None else "").strip(),
        category=reference.get("category", "").strip(),
        subcategory=reference.get("subCategory", "").strip(),
        comment=reference.get("generalComment", "").strip(),
        start_date=start,
        end_date=end,
        exchanges=tuple(_exchange(x, where) for x in element.iter(f"{NS}exchange")),
    )


def parse_ecospold1(text: bytes | str, source: str = "<text>") -> tuple[Dataset, ...]:
    """Datasets of an EcoSpold 1 document (``<ecoSpold>`` with one or more ``<dataset>``).

    Raises
    ------
    EcoSpoldError
        If the XML is malformed or a dataset lacks a reference function or exchange group.
    """
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise EcoSpoldError(f"{source}: not well-formed XML ({exc})") from None
    if root.tag != f"{NS}ecoSpold":
        raise EcoSpoldError(f"{source}: root element is {root.tag!r}, not EcoSpold 1 <ecoSpold>")
    return tuple(_dataset(element, source) for element in root.findall(f"{NS}dataset"))


def read_ecospold1_zip(path: Path) -> tuple[Dataset, ...]:
    """Datasets of every ``*.xml`` file with EcoSpold 1 datasets in a zip archive.

    ``categories.xml`` and other files without ``<dataset>`` elements contribute nothing.
    """
    datasets: list[Dataset] = []
    try:
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                if not name.endswith(".xml"):
                    continue
                content = archive.read(name)
                if b"<dataset" in content:
                    datasets.extend(parse_ecospold1(content, f"{path}:{name}"))
    except (OSError, zipfile.BadZipFile) as exc:
        raise EcoSpoldError(f"{path}: cannot read the archive ({exc})") from None
    return tuple(datasets)
