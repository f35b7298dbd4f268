"""What changed between two kept audit runs: per agreement and in total.

:func:`compare_runs` is the one comparison, for ``lamcoop audit --compare`` and the page
``/audit/compare``: it names the two runs (:mod:`graph_loader.audit.run_ids`), reads their
results (:mod:`graph_loader.audit.runs`, two graphs: the cost grows with those runs'
results, never with the store) and compares them with :func:`compare`.

For an agreement in both runs, a **gap closed** is a component the first run found missing
and the second found present, a **new gap** the other way round (components one of the runs
did not check count as neither). Agreements only in the second run are **added**, only in
the first **removed**; their gaps are counted apart. Components the second run's profile
checks and the first's does not are **components added** (to the profile). With the same
profile and graphs, gaps(b) = gaps(a) - closed + new + gaps of added - gaps of removed.
"""

from __future__ import annotations

from typing import Any

from graph_loader.audit.run import read_profile
from graph_loader.audit.run_ids import NO_LONGER_KEPT, RunNameError, display, resolve
from graph_loader.audit.runs import KeptRun, RunHead, RunResult, list_runs, read_run, run_iri_prefix
from graph_loader.graphs import AUDIT_SHAPES
from graph_loader.settings import Settings
from graph_loader.store import ReadableStore
from graph_loader.vocab import DEFAULT_LANGUAGE

FORMATS = ("text", "json")


class RunParameterError(LookupError):
    """A run named by a parameter (``a``, ``b``, ``A``, ``B``) is unknown, ambiguous or
    malformed; :attr:`parameter` names the parameter and :attr:`cause` says which."""

    def __init__(self, parameter: str, cause: RunNameError):
        super().__init__(f"{parameter}: {cause}")
        self.parameter = parameter
        self.cause = cause


def resolve_pair(
    heads: list[RunHead], a: str, b: str, *, base_iri: str, names: tuple[str, str] = ("a", "b")
) -> tuple[str, str]:
    """The identifiers of the runs ``a`` and ``b`` name, among ``heads``."""
    ids = [h.id for h in heads]
    found = []
    for parameter, typed in zip(names, (a, b), strict=True):
        try:
            found.append(resolve(typed, ids, run_iri_prefix=run_iri_prefix(base_iri)))
        except RunNameError as exc:
            raise RunParameterError(parameter, exc) from None
    return found[0], found[1]


def compare_runs(
    store: ReadableStore,
    settings: Settings,
    a: str,
    b: str,
    *,
    names: tuple[str, str] = ("a", "b"),
    heads: list[RunHead] | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> dict[str, Any]:
    """What changed from the run ``a`` names to the run ``b`` names (as typed by a person),
    agreements named for a reader of ``lang``; raises :class:`RunParameterError` naming the
    parameter of a run it cannot tell."""
    known = heads if heads is not None else list_runs(store, settings)
    a_id, b_id = resolve_pair(known, a, b, base_iri=settings.base_iri, names=names)
    first = read_run(store, settings, a_id, lang=lang)
    second = read_run(store, settings, b_id, lang=lang)
    if first is None or second is None:  # dropped since listed
        gone = names[0] if first is None else names[1]
        raise RunParameterError(gone, RunNameError(NO_LONGER_KEPT))
    profile = [c.id for c in read_profile(store, settings.graph_iri(AUDIT_SHAPES))]
    return compare(first, second, profile=profile)


def compare(a: KeptRun, b: KeptRun, *, profile: list[str] | None = None) -> dict[str, Any]:
    """The differences between two kept runs, as plain data (see the module); components
    in the order of ``profile`` (the current profile's), then by name."""
    checked_a, checked_b = set(a.components), set(b.components)
    both = checked_a & checked_b
    rank = {c: i for i, c in enumerate(profile or [])}
    order = sorted(checked_a | checked_b, key=lambda c: (rank.get(c, len(rank)), c))
    rows = []
    closed_by: dict[str, int] = dict.fromkeys(order, 0)
    new_by: dict[str, int] = dict.fromkeys(order, 0)
    unchanged = 0
    for iri in sorted(set(a.results) | set(b.results)):
        old, new = a.results.get(iri), b.results.get(iri)
        if old is None or new is None:
            rows.append(_row(old, new, [], [], order))
            continue
        closed = [c for c in order if c in both and c in old.gaps and c not in new.gaps]
        opened = [c for c in order if c in both and c in new.gaps and c not in old.gaps]
        for c in closed:
            closed_by[c] += 1
        for c in opened:
            new_by[c] += 1
        if closed or opened or old.completeness != new.completeness:
            rows.append(_row(old, new, closed, opened, order))
        else:
            unchanged += 1
    rows.sort(key=lambda r: ((r["label"] or r["iri"]).casefold(), r["iri"]))
    added = [r for r in rows if r["change"] == "added"]
    removed = [r for r in rows if r["change"] == "removed"]
    return {
        "a": _head(a),
        "b": _head(b),
        "graphs": {
            "same": set(a.graphs) == set(b.graphs),
            "only_a": sorted(set(a.graphs) - set(b.graphs)),
            "only_b": sorted(set(b.graphs) - set(a.graphs)),
        },
        "profile": {
            "same": a.head.profile_version == b.head.profile_version,
            "components_added": [c for c in b.components if c not in checked_a],
            "components_removed": [c for c in a.components if c not in checked_b],
        },
        "totals": {
            "agreements": {"a": len(a.results), "b": len(b.results)},
            "agreements_added": len(added),
            "agreements_removed": len(removed),
            "agreements_changed": len(rows) - len(added) - len(removed),
            "agreements_unchanged": unchanged,
            "gaps": {"a": _gaps(a.results.values()), "b": _gaps(b.results.values())},
            "gaps_closed": sum(closed_by.values()),
            "new_gaps": sum(new_by.values()),
            "gaps_of_added": sum(len(r["gaps"]["b"]) for r in added),
            "gaps_of_removed": sum(len(r["gaps"]["a"]) for r in removed),
            "completeness": {"a": a.head.completeness, "b": b.head.completeness},
        },
        "components": [
            {
                "id": c,
                "gaps_closed": closed_by[c],
                "new_gaps": new_by[c],
                "missing": {
                    "a": sum(c in r.gaps for r in a.results.values()) if c in checked_a else None,
                    "b": sum(c in r.gaps for r in b.results.values()) if c in checked_b else None,
                },
            }
            for c in order
        ],
        "agreements": rows,
    }


def _row(
    old: RunResult | None, new: RunResult | None, closed: list[str], opened: list[str], order
) -> dict[str, Any]:
    either = new or old
    assert either is not None
    change = "added" if old is None else "removed" if new is None else "changed"
    return {
        "iri": either.iri,
        "label": (new.label if new else None) or (old.label if old else None),
        "change": change,
        "completeness": {
            "a": old.completeness if old else None,
            "b": new.completeness if new else None,
        },
        "gaps_closed": closed,
        "new_gaps": opened,
        "gaps": {
            "a": _ordered(old.gaps, order) if old else [],
            "b": _ordered(new.gaps, order) if new else [],
        },
    }


def _ordered(gaps: frozenset[str], order: list[str]) -> list[str]:
    return [c for c in order if c in gaps] + sorted(c for c in gaps if c not in order)


def _gaps(results) -> int:
    return sum(len(r.gaps) for r in results)


def _head(run: KeptRun) -> dict[str, Any]:
    return {**head_dict(run.head), "graphs": list(run.graphs)}


def head_dict(h: RunHead) -> dict[str, Any]:
    """A kept run's head as plain data (for run lists)."""
    return {
        "id": h.id,
        "iri": h.iri,
        "graph": h.graph,
        "started": display(h.id),
        "ended": h.ended.isoformat() if h.ended else None,
        "agreements": h.agreements,
        "completeness": h.completeness,
        "data_version": h.data_version,
        "profile_version": h.profile_version,
    }


def render_text(data: dict[str, Any]) -> str:
    """The comparison for the terminal: the totals, then by component, then by agreement."""
    a, b, t = data["a"], data["b"], data["totals"]
    lines = [
        f"Audit runs compared: {a['id']} ({a['started']}) -> {b['id']} ({b['started']})",
        f"Agreements: {t['agreements']['a']} -> {t['agreements']['b']} "
        f"({t['agreements_added']} added, {t['agreements_removed']} removed, "
        f"{t['agreements_changed']} changed, {t['agreements_unchanged']} unchanged)",
        f"Gaps: {t['gaps']['a']} -> {t['gaps']['b']} ({t['gaps_closed']} closed, "
        f"{t['new_gaps']} new; {t['gaps_of_added']} in agreements added, "
        f"{t['gaps_of_removed']} in agreements removed)",
        f"Mean completeness: {_pct(t['completeness']['a'])} -> {_pct(t['completeness']['b'])}",
    ]
    profile = data["profile"]
    if profile["same"]:
        lines.append("Profile: the same")
    else:
        lines.append(
            "Profile: changed (components added: "
            f"{', '.join(profile['components_added']) or 'none'}; removed: "
            f"{', '.join(profile['components_removed']) or 'none'}); "
            "some differences may come from the profile rather than the data"
        )
    graphs = data["graphs"]
    if not graphs["same"]:
        lines.append(
            f"Graphs audited differ: only in {a['id']}: {', '.join(graphs['only_a']) or 'none'}; "
            f"only in {b['id']}: {', '.join(graphs['only_b']) or 'none'}"
        )
    lines += ["", "By component (gaps closed, new gaps; agreements missing it):"]
    for c in data["components"]:
        if c["gaps_closed"] or c["new_gaps"] or c["missing"]["a"] != c["missing"]["b"]:
            lines.append(
                f"  {c['id']:<18} {c['gaps_closed']:>5} closed {c['new_gaps']:>5} new   "
                f"{_count(c['missing']['a'])} -> {_count(c['missing']['b'])}"
            )
    if lines[-1].endswith(":"):
        lines.append("  no change")
    lines += ["", "Agreements:"]
    for r in data["agreements"]:
        name = r["label"] or r["iri"]
        if r["change"] == "added":
            lines.append(
                f"  + {name}: added, {_pct(r['completeness']['b'])}; "
                f"missing: {', '.join(r['gaps']['b']) or 'nothing'}"
            )
        elif r["change"] == "removed":
            lines.append(
                f"  - {name}: removed (was {_pct(r['completeness']['a'])}; "
                f"missing: {', '.join(r['gaps']['a']) or 'nothing'})"
            )
        else:
            lines.append(
                f"  ~ {name}: {_pct(r['completeness']['a'])} -> {_pct(r['completeness']['b'])}; "
                f"closed: {', '.join(r['gaps_closed']) or 'none'}; "
                f"new: {', '.join(r['new_gaps']) or 'none'}"
            )
    if lines[-1] == "Agreements:":
        lines.append("  no change")
    return "\n".join(lines) + "\n"


def render_runs_text(heads: list[RunHead]) -> str:
    """The kept runs, oldest first, one line each."""
    if not heads:
        return "No audit run has been kept yet: run 'lamcoop audit'.\n"
    lines = [f"{'run':<20} {'started':<20} {'agreements':>10} {'completeness':>12}"]
    for h in heads:
        lines.append(
            f"{h.id:<20} {display(h.id):<20} {_count(h.agreements):>10} {_pct(h.completeness):>12}"
        )
    return "\n".join(lines) + "\n"


def _pct(share: float | None) -> str:
    return "?" if share is None else f"{share * 100:.1f} %"


def _count(n: int | None) -> str:
    return "-" if n is None else str(n)
