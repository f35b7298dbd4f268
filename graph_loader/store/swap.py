"""How the embedded store replaces a graph that exists: by its differences, or swapped whole.

Diffing a staged copy against its target inside the store (:mod:`graph_loader.store.moves`)
writes and then deletes every staged quad, and Oxigraph deletes quad by quad: replacing a
graph cost several times loading it. A replace is published this way instead:

* the data is staged in a *scratch directory* (:class:`Scratch`, beside the store's own
  files), so that nothing staged is ever deleted from the store: a file of triples as the
  new version's N-Triples lines, parsed but loaded nowhere (:meth:`Scratch.bulk_load`),
  quads in a second pyoxigraph store there. The directory is removed whole when the load
  is done (a store in memory keeps to the differences in the store: there a small replace
  took 1 ms so, 130 ms through a scratch store);
* before anything published changes (:func:`prepare`), both versions are written as
  N-Triples in the scratch directory, the target as it is (``old``, the store's dump) and
  the staged copy (``new``), and sorted; one pass over both gives their differences
  (:mod:`graph_loader.store.differences`). When they are few against the versions
  (:data:`DIFFERENCES_SHARE`: a register re-imported unchanged or with a month's edits),
  the two differences are kept (``removed``, ``added``), else the two versions; the pair
  kept is flushed to disk before anything published changes;
* publishing by differences removes ``removed`` from the target and adds ``added``, and
  undoing it the reverse; publishing a swap empties the target (``DELETE`` in
  transactions of :data:`CLEAR_QUADS`) and bulk-loads ``new``, and undoing it empties the
  target and bulk-loads ``old``. Every way can be repeated from any point, so a load
  stopped halfway (Ctrl-C, a killed process) is undone by the next read-write open, as a
  load published by differences in the store is. Blank nodes come back under new labels
  (a load's blank nodes are its own; Oxigraph relabels them on every load).

>>> import tempfile, pathlib
>>> store = ox.Store()
>>> scratch = Scratch(pathlib.Path(tempfile.mkdtemp()) / "scratch")
>>> g, t = STAGING_PREFIX + "doc", "urn:x-lamcoop-test:g"
>>> def quad(value, graph):
...     return ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://b"), ox.Literal(value),
...                    ox.NamedNode(graph))
>>> store.add(quad("old", t))
>>> scratch.store.add(quad("new", g))
>>> prepare(store, scratch, t, g)
1
>>> apply(store, scratch, t, g, forward=True)
>>> [q.object.value for q in store]
['new']
>>> apply(store, scratch, t, g, forward=False)
>>> [q.object.value for q in store]
['old']
>>> scratch.remove()
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph_loader.store import differences
from graph_loader.store.layout import STAGING_PREFIX

#: The scratch store's directory, in the store's own.
SCRATCH_DIR = "lamcoop-staging"


class Scratch:
    """The scratch store of one store's staged replaces, and the files of their versions.

    Made on first use, removed whole by :meth:`remove` (which recovery calls once no marker
    needs it any more)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._store: ox.Store | None = None
        self._opened = False

    @property
    def store(self) -> ox.Store:
        """The scratch pyoxigraph store (made afresh on first use)."""
        if self._store is None:
            self._ready()
            self._store = ox.Store(str(self.directory / "store"))
        return self._store

    def _ready(self) -> None:
        """Make the directory, emptied on this session's first use: left by a process that
        ended after its markers went (recovery, which runs first, needed nothing in it),
        nothing in it is this session's."""
        if not self._opened:
            shutil.rmtree(self.directory, ignore_errors=True)
            self._opened = True
        self.directory.mkdir(parents=True, exist_ok=True)

    def version(self, physical: str, which: str, *, final: bool = True) -> Path:
        """The file holding ``which`` (``old``, ``new``, ``removed`` or ``added``) of a staged
        replace; ``final=False``: its name while it is written (no recovery reads it)."""
        if not physical.startswith(STAGING_PREFIX):
            raise ValueError(f"not a staging graph: {physical}")
        suffix = "nt" if final else "part"
        return self.directory / f"{physical.removeprefix(STAGING_PREFIX)}.{which}.{suffix}"

    def way(self, physical: str) -> str | None:
        """How a prepared replace is published (see :func:`prepare`): ``"swap"`` (both
        versions on disk), ``"differences"`` (both differences), ``None`` (not prepared)."""
        for way, files in WAYS.items():
            if all(self.version(physical, which).exists() for which in files):
                return way
        return None

    def prepared(self, physical: str) -> bool:
        """Whether a staged replace is prepared, one way or the other (see :meth:`way`)."""
        return self.way(physical) is not None

    def bulk_load(self, physical: str, **source: Any) -> None:
        """Stage one graph's copy from a file of triples (``source``: pyoxigraph's ``parse``
        arguments) as the new version's N-Triples lines, spelt as the store spells them
        (:func:`.differences.spell`), with fresh blank nodes: no store is written, and a
        syntax error stops it as it would stop a load."""
        self._ready()
        with self.version(physical, "new", final=False).open("wb") as out:
            differences.spell(ox.parse(**source, rename_blank_nodes=True), out)

    def holds(self, physical: str) -> bool:
        """Whether the staged copy ``physical`` was written here (as lines or in the store)."""
        if self.version(physical, "new", final=False).exists():
            return True
        return self._store is not None and self._store.contains_named_graph(ox.NamedNode(physical))

    def release(self) -> None:
        """Close the scratch store, keeping its files for the next open's recovery."""
        self._store = None  # the last reference: pyoxigraph closes the store

    def remove(self) -> None:
        """Close the scratch store and remove its directory (nothing in it is published)."""
        self._store = None  # the last reference: pyoxigraph closes the store
        shutil.rmtree(self.directory, ignore_errors=True)


#: The files each way of publishing a prepared replace reads (:meth:`Scratch.way`).
WAYS = {"swap": ("old", "new"), "differences": ("removed", "added")}

#: The largest share of differences (removed and added triples against the old and new
#: versions' together) published by differences rather than swapped whole: measured in
#: docs/benchmarks.md ("Replacing a graph").
DIFFERENCES_SHARE = 0.5


def prepare(inner: ox.Store, scratch: Scratch, target: str, physical: str) -> int:
    """Write what publishing a replace needs to disk (see the module); return the count the
    target will hold. Nothing published changes.

    Both versions are dumped and sorted; when their differences are few
    (:data:`DIFFERENCES_SHARE`) the two differences are kept, else the two versions. Either
    pair is flushed to disk under its working name first and then renamed, so a prepared
    replace has one pair only and a half-written one none."""
    part = {which: scratch.version(physical, which, final=False) for which in WAY_FILES}
    _write(inner, ox.NamedNode(target), part["old"])
    if not part["new"].exists():  # staged in the scratch store (quads), not as lines
        _write(scratch.store, ox.NamedNode(physical), part["new"])
    counts = differences.sort_file(part["old"]), differences.sort_file(part["new"])
    limit = int(DIFFERENCES_SHARE * sum(counts))
    found = differences.compare(
        part["old"], part["new"], part["removed"], part["added"], limit=limit
    )
    keep = WAYS["swap" if found is None else "differences"]
    for which in keep:
        _durable(part[which])
    for which in keep:
        part[which].rename(scratch.version(physical, which))
    for which in WAY_FILES:
        part[which].unlink(missing_ok=True)
    _durable(scratch.directory)
    return counts[1]


WAY_FILES = ("old", "new", "removed", "added")


def apply(inner: ox.Store, scratch: Scratch, target: str, physical: str, *, forward: bool) -> None:
    """Publish (``forward``) or undo a prepared replace; safe to repeat from any point."""
    if scratch.way(physical) == "differences":
        files = (scratch.version(physical, w) for w in WAYS["differences"])
        differences.apply(inner, target, *files, forward=forward)
        return
    name = ox.NamedNode(target)
    _empty(inner, name)
    source = scratch.version(physical, "new" if forward else "old")
    inner.bulk_load(path=str(source), format=ox.RdfFormat.N_TRIPLES, to_graph=name, lenient=True)
    inner.add_graph(name)


#: Triples deleted per transaction when a target is emptied: one ``DELETE`` of a whole
#: million-triple graph held its solutions at once (peak memory +400 MiB); in transactions of
#: this size memory stays flat for about 12 % more CPU time (docs/benchmarks.md).
CLEAR_QUADS = 100_000


def _empty(inner: ox.Store, graph: ox.NamedNode) -> None:
    """Delete every triple of ``graph`` in transactions of :data:`CLEAR_QUADS` (``DELETE``
    from SPARQL: quicker than ``clear_graph``, which took 3.5 s of CPU against 2.1 s for
    100k triples)."""
    while inner.query(f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}"):
        inner.update(
            f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE "
            f"{{ SELECT ?s ?p ?o {{ GRAPH {graph} {{ ?s ?p ?o }} }} LIMIT {CLEAR_QUADS} }}"
        )


def _write(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph, path: Path) -> None:
    """``graph`` of ``store`` as N-Triples at ``path``."""
    with path.open("wb") as out:
        store.dump(out, format=ox.RdfFormat.N_TRIPLES, from_graph=graph)


def _durable(path: Path) -> None:
    """Flush the file or directory ``path`` to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
