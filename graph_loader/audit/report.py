"""The audit rendered as text, JSON, CSV, XLSX, HTML, or RDF in any syntax of the format
table (:mod:`graph_loader.rdf_formats`).

Every format is made from :func:`as_dict` (or, for RDF, from the triples written into the
audit graph), so they agree with each other.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import jinja2
import pyoxigraph as ox

from graph_loader.audit.graph import audit_triples
from graph_loader.audit.model import Audit
from graph_loader.audit.spreadsheet import CSV_COLUMNS, agreement_row, render_xlsx
from graph_loader.rdf_formats import RDF_SYNTAXES, find
from graph_loader.safe_output import linkable, spreadsheet_row
from graph_loader.vocab import PREFIXES

#: The formats rendered as text by :func:`render`.
FORMATS = ("text", "json", "csv", "ttl", "html")
#: Every format of :func:`render_bytes`: the text ones, XLSX, and each RDF syntax by its
#: names in the format table (``json`` stays the audit's own JSON; JSON-LD is ``jsonld``).
EXPORT_FORMATS = tuple(
    dict.fromkeys(
        (*FORMATS, "xlsx", *(n for s in RDF_SYNTAXES for n in s.names if n not in FORMATS))
    )
)
_TEMPLATES = Path(__file__).resolve().parent / "templates"


def as_dict(audit: Audit, *, lang: str = "en") -> dict[str, Any]:
    """The audit as plain data: agreements, aggregates, components and challenges; gap
    messages in ``lang`` (English where the profile has none in it)."""
    n = len(audit.agreements)
    return {
        "selection": dict(audit.selection),
        "run": {
            "iri": audit.run,
            "started": audit.started.isoformat(),
            "seconds": round(audit.seconds, 3),
            "graphs": audit.graphs,
            "agreements": n,
            "completeness": audit.mean_completeness,
        },
        "components": [_component(audit, c) for c in audit.components],
        "agreements": [_agreement(audit, a, lang) for a in audit.agreements],
        "institutions": [_aggregate(a) for a in audit.institutions],
        "consortia": [_aggregate(a) for a in audit.consortia],
        "most_missing": [
            {"id": c.id, "severity": c.severity, "agreements": k, "share": k / n if n else 0.0}
            for c, k in audit.missing_counts()
            if k
        ],
        "most_exposed": [
            {"iri": ch, "label": audit.challenge_labels.get(ch), "agreements": k, "gaps": g}
            for ch, k, g in audit.challenge_counts()
        ],
    }


def _component(audit: Audit, component) -> dict[str, Any]:
    return {
        "id": component.id,
        "shape": component.shape,
        "severity": component.severity,
        "label": component.labels,
        "message": component.messages,
        "challenges": [_challenge(audit, ch) for ch in component.challenges],
    }


def _challenge(audit: Audit, iri: str) -> dict[str, Any]:
    return {"iri": iri, "label": audit.challenge_labels.get(iri)}


def _agreement(audit: Audit, result, lang: str) -> dict[str, Any]:
    gaps = [audit.component(cid) for cid in result.missing]
    return {
        "iri": result.iri,
        "label": result.label,
        "completeness": result.completeness,
        "missing": list(result.missing),
        "institutions": list(result.institutions),
        "consortia": list(result.consortia),
        "countries": list(result.countries),
        "gaps": [
            {
                "component": c.id,
                "severity": c.severity,
                "message": c.messages.get(lang) or c.messages.get("en"),
                "challenges": [_challenge(audit, ch) for ch in c.challenges],
            }
            for c in gaps
        ],
    }


def _aggregate(aggregate) -> dict[str, Any]:
    return {
        "iri": aggregate.iri,
        "label": aggregate.label,
        "agreements": aggregate.agreements,
        "completeness": aggregate.completeness,
    }


def render(audit: Audit, fmt: str, *, base_iri: str) -> str:
    """The audit in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "ttl":
        return render_turtle(audit, base_iri)
    data = as_dict(audit)
    renderers = {"text": render_text, "json": render_json, "csv": render_csv, "html": render_html}
    if fmt not in renderers:
        raise ValueError(f"unknown audit format {fmt!r}; use one of {', '.join(FORMATS)}")
    return renderers[fmt](data)


def render_bytes(audit: Audit, fmt: str, *, base_iri: str) -> bytes:
    """The audit in any of :data:`EXPORT_FORMATS`, as the bytes of a file."""
    if fmt == "xlsx":
        return render_xlsx(as_dict(audit))
    if fmt in FORMATS and fmt != "ttl":
        return render(audit, fmt, base_iri=base_iri).encode("utf-8")
    found = find(RDF_SYNTAXES, fmt)
    if found is None:
        raise ValueError(f"unknown audit format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    return render_rdf(audit, base_iri, found)


def render_rdf(audit: Audit, base_iri: str, fmt: ox.RdfFormat) -> bytes:
    """The audit's triples in the RDF syntax ``fmt`` (in the default graph of the quad
    syntaxes), with the vocabulary's prefixes where the syntax has them."""
    triples = list(audit_triples(audit, base_iri))
    statements: list[Any] = triples
    if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        statements = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
    plain = fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
    prefixes = None if plain else dict(PREFIXES)
    return ox.serialize(statements, format=fmt, prefixes=prefixes) or b""  # no output: bytes


def render_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_csv(data: dict[str, Any]) -> str:
    """One row per agreement; multi-valued cells joined with ``;``; every cell through
    :func:`~graph_loader.safe_output.spreadsheet_cell`. Lines end in CRLF (RFC 4180), so
    that a cell holding a CR is quoted."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for a in data["agreements"]:
        row = agreement_row(a)
        row[2] = f"{a['completeness']:.6f}"
        writer.writerow(spreadsheet_row(row))
    return out.getvalue()


def render_turtle(audit: Audit, base_iri: str) -> str:
    """The audit graph's triples as Turtle."""
    return render_rdf(audit, base_iri, ox.RdfFormat.TURTLE).decode("utf-8")


def render_html(data: dict[str, Any]) -> str:
    """A standalone HTML page (``templates/audit.html``)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True, keep_trailing_newline=True
    )
    env.tests["linkable"] = linkable
    return env.get_template("audit.html").render(audit=data)


def render_text(data: dict[str, Any]) -> str:
    """A report for the terminal: summary, aggregates, then each incomplete agreement."""
    run = data["run"]
    lines = [
        f"Agreements audited: {run['agreements']}; mean completeness "
        f"{_pct(run['completeness'])} over {len(data['components'])} components.",
        "",
        "Components most often missing:",
    ]
    lines += [
        f"  {c['id']:<18} {c['agreements']:>7} ({_pct(c['share'])})  {c['severity']}"
        for c in data["most_missing"]
    ] or ["  none"]
    lines += ["", "Challenges most exposed:"]
    lines += [
        f"  {c['agreements']:>7} agreements  {c['label'] or c['iri']}" for c in data["most_exposed"]
    ] or ["  none"]
    for title, key in (("Institutions", "institutions"), ("Consortia", "consortia")):
        lines += ["", f"{title} (mean completeness of their agreements, lowest first):"]
        lines += [
            f"  {_pct(x['completeness']):>7}  {x['agreements']:>5}  {x['label'] or x['iri']}"
            for x in data[key][:20]
        ] or ["  none"]
    lines += ["", "Agreements:"]
    for a in data["agreements"]:
        missing = ", ".join(a["missing"]) or "nothing missing"
        lines.append(f"  {_pct(a['completeness']):>7}  {a['label'] or a['iri']}: {missing}")
    return "\n".join(lines) + "\n"


def _pct(share: float) -> str:
    return f"{share * 100:.1f} %"
