"""The cells of an agreement register that name a vocabulary term, a date or an amount, as
people write them (docs/importers.md, "Spellings a register may use").

Agreement types and funding models are found by slug or by any label or alternative label
in the store (English, Persian, Chinese), through the one normaliser; dates and amounts are
read by :mod:`graph_loader.importers.spelling`. Each function raises ``ValueError`` or
``LookupError`` saying why a cell cannot be read.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph_loader.importers.cells import currency
from graph_loader.importers.common import ImportContext
from graph_loader.importers.lookup import StoreLookup
from graph_loader.importers.spelling import amount, person_date
from graph_loader.safe_output import quoted
from graph_loader.vocab import LAMC, XSD

TYPES = {
    "memorandum-of-understanding": LAMC.MemorandumOfUnderstanding,
    "consortium-charter": LAMC.ConsortiumCharter,
    "service-agreement": LAMC.ServiceAgreement,
    "licensing-agreement": LAMC.LicensingAgreement,
}
FUNDING_MODELS = (
    "government-allocation", "member-cost-sharing", "fee-for-service", "sponsorship",
    "self-raised",
)  # fmt: skip
DATES = {"signed": LAMC.signedOn, "start": LAMC.startDate, "end": LAMC.endDate}
#: column -> (property, node class, component id used in the node's IRI)
PROVISIONS = {
    "responsibilities": (LAMC.responsibility, LAMC.Responsibility, "responsibilities"),
    "indicators": (LAMC.performanceIndicator, LAMC.PerformanceIndicator, "indicators"),
    "evaluation": (LAMC.evaluationProvision, LAMC.EvaluationProvision, "evaluation"),
    "data_protection": (
        LAMC.dataProtectionProvision, LAMC.DataProtectionProvision, "data-protection",
    ),
    "staffing": (LAMC.staffingProvision, LAMC.StaffingProvision, "staffing"),
}  # fmt: skip


def agreement_type(lookup: StoreLookup, value: str) -> ox.NamedNode:
    """The agreement class ``value`` names: a slug of :data:`TYPES` (spelt with any case,
    spaces or hyphens) or a label of a subclass of lamc:Agreement in the store."""
    names = lookup.names("agreement-types")
    for slug, kind in TYPES.items():
        names.add(kind.value, slug)
    found = names.find(value)
    if len(found) == 1:
        return ox.NamedNode(found[0])
    raise ValueError(
        f"unknown agreement type {quoted(value)}; use one of {', '.join(TYPES)} "
        "or one of their labels"
        + (f" (it names {len(found)}: {', '.join(found)})" if found else "")
    )


def funding_model(lookup: StoreLookup, value: str) -> ox.NamedNode:
    """The funding model ``value`` names: its IRI, its slug (any case, spaces or hyphens) or
    a label of a concept of the ``funding-models`` scheme in the store."""
    ctx = lookup.ctx
    prefix = f"{ctx.base_iri}id/concept/funding-models/"
    if value.startswith(prefix) and value[len(prefix) :] in FUNDING_MODELS:
        return ox.NamedNode(value)
    names = lookup.names("funding-models")
    for slug in FUNDING_MODELS:
        names.add(prefix + slug, slug)
    found = names.find(value)
    if len(found) == 1:
        return ox.NamedNode(found[0])
    raise ValueError(
        f"unknown funding model {quoted(value)}; use one of {', '.join(FUNDING_MODELS)} "
        "or one of their labels"
    )


def date(value: str, ctx: ImportContext) -> ox.Literal:
    """A date cell, read in the load's date order and calendar (see
    :func:`~graph_loader.importers.spelling.person_date`)."""
    return person_date(value, order=ctx.date_order, calendar=ctx.calendar)


def budget(
    amount_cell: str, currency_cell: str
) -> tuple[ox.Literal | None, str | None, list[tuple[str, str]]]:
    """The budget's amount (xsd:decimal) and currency, and the (field, reason) of each bad
    cell. A currency written in the amount is the budget's currency; the ``budget_currency``
    column, when given, must name the same one."""
    problems: list[tuple[str, str]] = []
    stated = number = code = None
    if currency_cell:
        try:
            stated = currency(currency_cell)
        except ValueError as exc:
            problems.append(("budget_currency", str(exc)))
    if amount_cell:
        try:
            value, code = amount(amount_cell)
            number = ox.Literal(value, datatype=XSD.decimal)
        except ValueError as exc:
            problems.append(("budget_amount", str(exc)))
    if code is not None and stated is not None and code != stated:
        problems.append(
            (
                "budget_amount",
                f"{quoted(amount_cell)} is in {code} but budget_currency says {stated}",
            )
        )
    return number, stated or code, problems
