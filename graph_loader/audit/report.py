"""The audit rendered as text, JSON, CSV, Turtle or HTML.

Every format is made from :func:`as_dict` (or, for Turtle, from the triples written into
the audit graph), so they agree with each other.
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
from graph_loader.safe_output import linkable, spreadsheet_row
from graph_loader.vocab import PREFIXES

FORMATS = ("text", "json", "csv", "ttl", "html")
CSV_COLUMNS = ("agreement", "label", "completeness", "missing", "severities", "challenges")
_TEMPLATES = Path(__file__).resolve().parent / "templates"


def as_dict(audit: Audit) -> dict[str, Any]:
    """The audit as plain data: agreements, aggregates, components and challenges."""
    n = len(audit.agreements)
    return {
        "run": {
            "iri": audit.run,
            "started": audit.started.isoformat(),
            "seconds": round(audit.seconds, 3),
            "graphs": audit.graphs,
            "agreements": n,
            "completeness": audit.mean_completeness,
        },
        "components": [_component(audit, c) for c in audit.components],
        "agreements": [_agreement(audit, a) for a in audit.agreements],
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


def _agreement(audit: Audit, result) -> dict[str, Any]:
    gaps = [audit.component(cid) for cid in result.missing]
    return {
        "iri": result.iri,
        "label": result.label,
        "completeness": result.completeness,
        "missing": list(result.missing),
        "gaps": [
            {
                "component": c.id,
                "severity": c.severity,
                "message": c.messages.get("en"),
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
        challenges = sorted({ch["iri"] for gap in a["gaps"] for ch in gap["challenges"]})
        writer.writerow(
            spreadsheet_row(
                [
                    a["iri"],
                    a["label"] or "",
                    f"{a['completeness']:.6f}",
                    ";".join(a["missing"]),
                    ";".join(gap["severity"] for gap in a["gaps"]),
                    ";".join(challenges),
                ]
            )
        )
    return out.getvalue()


def render_turtle(audit: Audit, base_iri: str) -> str:
    """The audit graph's triples as Turtle."""
    data = ox.serialize(
        audit_triples(audit, base_iri), format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES)
    )
    return (data or b"").decode("utf-8")  # with no output given, serialize returns the bytes


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
