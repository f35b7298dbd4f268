"""Narrowing an audit to some of its agreements: those of one institution, one consortium
or one country, as an analyst filters it (``/audit?institution=…``, ``lamcoop audit
--institution …``). One reading of the filters for the page, every export and the command
line; the tables of the narrowed audit come from the same
:func:`~graph_loader.audit.model.aggregates` as the whole one's.

>>> from graph_loader.audit.model import AgreementResult, Audit
>>> import datetime as dt
>>> a = AgreementResult("https://ex.org/a", None, (), 1.0, institutions=("https://ex.org/x",),
...                     countries=("IR",))
>>> b = AgreementResult("https://ex.org/b", None, ("term",), 0.5, countries=("CN",))
>>> audit = Audit("r", dt.datetime(2026, 1, 1), 0.0, [], [], {}, [a, b])
>>> [r.iri for r in narrow(audit, Selection(country="ir")).agreements]
['https://ex.org/a']
>>> narrow(audit, Selection(country="FR"))
Traceback (most recent call last):
...
graph_loader.audit.selection.UnknownFilter: country: no audited agreement has a party in 'FR'
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from graph_loader.audit.model import AgreementResult, Audit, aggregates
from graph_loader.safe_output import quoted

#: The filters, by the name of the parameter (and of ``--option``) that gives each.
FILTERS = ("institution", "consortium", "country")
#: The longest value read: longer ones name nothing the audit holds.
MAX_VALUE = 2000


#: Why a filter is refused: each a ``%``-template of :attr:`UnknownFilter.values` (the pages
#: show each in the reader's language, sparql_endpoint.linked_data.audit_exports).
EMPTY = "is empty"
UNREADABLE = "is not an IRI or code the audit holds (%(length)s characters)"
NO_COUNTRY = "no audited agreement has a party in %(value)s"
NO_INSTITUTION = "no audited agreement is party to <%(value)s>"
NO_CONSORTIUM = "no audited agreement counts for <%(value)s>"
REASONS = (EMPTY, UNREADABLE, NO_COUNTRY, NO_INSTITUTION, NO_CONSORTIUM)


class UnknownFilter(ValueError):
    """A filter naming nothing the audit holds: ``template`` (one of :data:`REASONS`) filled
    with ``values``; the message starts with the parameter."""

    def __init__(self, parameter: str, template: str, **values: object):
        self.parameter, self.template = parameter, template
        self.values = {k: str(v) for k, v in values.items()}
        super().__init__(f"{parameter}: {template % self.values}")


@dataclass(frozen=True)
class Selection:
    """Which agreements to keep: each filter given must hold (``None``: not filtered)."""

    institution: str | None = None
    consortium: str | None = None
    country: str | None = None

    def given(self) -> dict[str, str]:
        """The filters given, by name."""
        found = {f.name: getattr(self, f.name) for f in fields(self)}
        return {name: value for name, value in found.items() if value is not None}


def narrow(audit: Audit, selection: Selection) -> Audit:
    """``audit`` with only the agreements ``selection`` keeps, and its tables recomputed;
    :class:`UnknownFilter` for a value no audited agreement has (so a typing mistake is
    never taken for an empty answer)."""
    given = selection.given()
    if not given:
        return audit
    kept = audit.agreements
    for name, value in given.items():
        given[name] = wanted = _checked(audit.agreements, name, value)
        kept = [a for a in kept if wanted in _values(a, name)]
    institutions, consortia = aggregates(kept, audit.related_labels)
    return replace(
        audit,
        agreements=kept,
        institutions=institutions,
        consortia=consortia,
        selection={**audit.selection, **given},
    )


def choices(audit: Audit, name: str) -> list[str]:
    """Every value the filter ``name`` can take in ``audit``, sorted."""
    return sorted({v for a in audit.agreements for v in _values(a, name)})


def _values(result: AgreementResult, name: str) -> tuple[str, ...]:
    if name == "institution":
        return result.institutions
    if name == "consortium":
        return result.consortia
    return result.countries


def _checked(agreements: list[AgreementResult], name: str, value: str) -> str:
    if not value.strip():
        raise UnknownFilter(name, EMPTY)
    if len(value) > MAX_VALUE or not value.isprintable():
        raise UnknownFilter(name, UNREADABLE, length=len(value))
    wanted = value.strip().upper() if name == "country" else value.strip()
    if any(wanted in _values(a, name) for a in agreements):
        return wanted
    if name == "country":
        raise UnknownFilter(name, NO_COUNTRY, value=quoted(wanted))
    raise UnknownFilter(
        name, NO_INSTITUTION if name == "institution" else NO_CONSORTIUM, value=wanted
    )
