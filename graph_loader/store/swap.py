"""How the embedded store replaces a graph that exists: the new content swapped in whole.

Diffing a staged copy against its target (:mod:`graph_loader.store.moves`) writes and then
deletes every staged quad inside the store, and Oxigraph deletes quad by quad: replacing a
graph cost several times loading it. A replace is published this way instead:

* the data is staged in a *scratch store* (:class:`Scratch`, a second pyoxigraph store in a
  directory beside the store's own files), so that nothing staged is ever deleted from the
  store: the scratch directory is removed whole when the load is done (a store in memory
  keeps to the differences: there a small replace took 1 ms by differences, 130 ms so);
* before anything published changes, both versions are written as N-Triples files in the
  scratch directory (:func:`prepare`): the target as it is (``old``) and the staged copy
  (``new``), each flushed to disk;
* publishing empties the target (``DELETE`` in transactions of :data:`CLEAR_QUADS`) and
  bulk-loads ``new`` into it; undoing it empties the target and bulk-loads ``old``. Both
  can be repeated from any point, so a load stopped halfway (Ctrl-C, a killed process) is
  undone by the next read-write open, as a load published by differences is. Blank nodes
  come back under new labels (a load's blank nodes are its own; Oxigraph relabels them on
  every load).

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

from graph_loader.store.layout import STAGING_PREFIX, count

#: The scratch store's directory, in the store's own.
SCRATCH_DIR = "lamcoop-staging"


class Scratch:
    """The scratch store of one store's staged replaces, and the files of their versions.

    Made on first use, removed whole by :meth:`remove` (which recovery calls once no marker
    needs it any more)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._store: ox.Store | None = None
        #: The staged copy bulk-loaded into the scratch store's default graph, if any.
        self._in_default: str | None = None
        self._opened = False

    @property
    def store(self) -> ox.Store:
        """The scratch pyoxigraph store (made afresh on first use)."""
        if self._store is None:
            if not self._opened:
                # Left by a process that ended after its markers went (recovery, which
                # runs first, needed nothing in it): nothing in it is this session's.
                shutil.rmtree(self.directory, ignore_errors=True)
                self._opened = True
            self.directory.mkdir(parents=True, exist_ok=True)
            self._store = ox.Store(str(self.directory / "store"))
        return self._store

    def version(self, physical: str, which: str) -> Path:
        """The file holding version ``which`` (``old`` or ``new``) of a staged replace."""
        if not physical.startswith(STAGING_PREFIX):
            raise ValueError(f"not a staging graph: {physical}")
        return self.directory / f"{physical.removeprefix(STAGING_PREFIX)}.{which}.nt"

    def prepared(self, physical: str) -> bool:
        """Whether both versions of a staged replace are on disk (see :func:`prepare`)."""
        return self.version(physical, "old").exists() and self.version(physical, "new").exists()

    def bulk_load(self, physical: str, **source: Any) -> None:
        """Stage one graph's copy from a file (``source``: pyoxigraph's ``bulk_load``
        arguments). The first goes to the default graph, which Oxigraph indexes three ways
        instead of six: quicker, and never published as it is."""
        into: ox.NamedNode | ox.DefaultGraph = ox.NamedNode(physical)
        if self._in_default is None:
            into, self._in_default = ox.DefaultGraph(), physical
        self.store.bulk_load(**source, to_graph=into)

    def graph(self, physical: str) -> ox.NamedNode | ox.DefaultGraph:
        """The scratch store's graph holding the staged copy ``physical``."""
        return ox.DefaultGraph() if physical == self._in_default else ox.NamedNode(physical)

    def holds(self, physical: str) -> bool:
        """Whether the staged copy ``physical`` was written to the scratch store."""
        if physical == self._in_default:
            return True
        return self._store is not None and self._store.contains_named_graph(ox.NamedNode(physical))

    def release(self) -> None:
        """Close the scratch store, keeping its files for the next open's recovery."""
        self._in_default = None
        self._store = None  # the last reference: pyoxigraph closes the store

    def remove(self) -> None:
        """Close the scratch store and remove its directory (nothing in it is published)."""
        self._in_default = None
        self._store = None  # the last reference: pyoxigraph closes the store
        shutil.rmtree(self.directory, ignore_errors=True)


def prepare(inner: ox.Store, scratch: Scratch, target: str, physical: str) -> int:
    """Write both versions of a replace to disk (see the module); return the count the
    target will hold. Nothing published changes."""
    staged = scratch.graph(physical)
    _write(inner, ox.NamedNode(target), scratch.version(physical, "old"))
    _write(scratch.store, staged, scratch.version(physical, "new"))
    rows = scratch.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=staged)
    return count(rows)


def apply(inner: ox.Store, scratch: Scratch, target: str, physical: str, *, forward: bool) -> None:
    """Publish (``forward``) or undo a prepared replace; safe to repeat from any point."""
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
    """``graph`` of ``store`` as N-Triples at ``path``, on disk when this returns."""
    with path.open("wb") as out:
        store.dump(out, format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        out.flush()
        os.fsync(out.fileno())
