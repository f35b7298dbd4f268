"""A replace published by its differences: what the target loses and what it gains, as files.

The usual replace re-imports a register or a dataset with few changes (the same file, or a
month's edits). Deleting the whole old version and loading the new one
(:mod:`graph_loader.store.swap`) costs about three fresh loads whatever changed, because
Oxigraph deletes quad by quad. When few triples changed, only those are written:

* both versions, as N-Triples files of the store's own dump (one triple a line, each term
  written one way), are sorted by their bytes (:func:`sort_file`: in memory up to
  :data:`SORT_LINES` lines, else sorted runs merged from disk);
* one pass over the two sorted streams (:func:`compare`) writes ``removed`` (old - new) and
  ``added`` (new - old), never a look-up per quad in a store. A triple with a blank node
  counts as different even when its line is the same on both sides (a load's blank nodes
  are its own): it is removed and added again, under fresh labels drawn once for the whole
  file, so that the added blank nodes cannot join a blank node of another graph;
* publishing (:func:`apply`, ``forward``) removes ``removed`` from the target and adds
  ``added``; undoing it removes ``added`` and adds ``removed`` back. Both can be repeated
  from any point: ``removed`` is part of the old version, ``added`` shares nothing with
  it, and each file holds every triple once with the labels it is written under.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> old, new = folder / "old.nt", folder / "new.nt"
>>> line = "<http://a> <http://p> <http://{}> .\\n".format
>>> _ = old.write_text(line("c") + line("b"))
>>> _ = new.write_text(line("d") + line("b"))
>>> sort_file(old), sort_file(new)
(2, 2)
>>> compare(old, new, folder / "removed.nt", folder / "added.nt", limit=10)
(1, 1)
>>> (folder / "removed.nt").read_bytes(), (folder / "added.nt").read_bytes()
(b'<http://a> <http://p> <http://c> .\\n', b'<http://a> <http://p> <http://d> .\\n')
>>> compare(old, new, folder / "removed.nt", folder / "added.nt", limit=1) is None
True
"""

from __future__ import annotations

import heapq
import itertools
import os
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from graph_loader.store.moves import BULK_QUADS, WRITE_QUADS, chunks
from graph_loader.vocab import XSD

#: Typed literals gathered before they are written back in the store's spelling.
SPELL_QUADS = 100_000

#: Lines sorted in memory at once (about 150 MiB of N-Triples at 1M lines); a longer
#: version is sorted in runs of this many, written to disk and merged.
SORT_LINES = 1_000_000

NT = ox.RdfFormat.N_TRIPLES


def spell(quads: Iterable[ox.Quad], out: IO[bytes]) -> None:
    """Write ``quads`` (of the default graph) to ``out`` as N-Triples lines spelt as the
    store's own dump spells them, without loading them into a store: pyoxigraph writes
    every line, and the lines with a literal of an XSD datatype are written again by an
    in-memory store (which keeps such a literal by its value, as the store on disk does).
    So a line of the new version is the same bytes as the line of the old one for the
    same triple, and two lines are never the same triple. Written in chunks of
    :data:`~graph_loader.store.moves.WRITE_QUADS`, so a signal is felt between two.

    >>> import io
    >>> out = io.BytesIO()
    >>> data = b'<http://s> <http://p> "01"^^<http://www.w3.org/2001/XMLSchema#integer> .'
    >>> spell(ox.parse(input=data, format=NT), out)
    >>> out.getvalue()
    b'<http://s> <http://p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\\n'
    """
    typed = ox.Store()
    held = 0
    for chunk in chunks(quads, WRITE_QUADS):
        lines = (ox.serialize(chunk, format=NT) or b"").splitlines(keepends=True)
        # Every line with such a literal holds this (an IRI might too: spelt again, alike).
        valued = [line for line in lines if _TYPED in line]
        if valued:
            typed.extend(ox.parse(input=b"".join(valued), format=NT))  # labels kept
            held += len(valued)
            lines = [line for line in lines if _TYPED not in line]
        out.writelines(lines)
        if held >= SPELL_QUADS:
            typed.dump(out, NT, from_graph=ox.DefaultGraph())
            typed, held = ox.Store(), 0
    typed.dump(out, NT, from_graph=ox.DefaultGraph())


#: The datatypes whose literals Oxigraph stores by value, and so writes back in one
#: canonical spelling (``"01"^^xsd:integer`` comes back as ``"1"``).
_TYPED = b'"^^<' + str(XSD).encode()


def sort_file(path: Path, *, run_lines: int = SORT_LINES) -> int:
    """Sort the lines of ``path`` by their bytes, in place, once each; return how many
    different lines there are (runs of ``run_lines`` sorted in memory, then merged)."""
    runs: list[Path] = []
    lines: list[bytes] = []
    total = 0
    with path.open("rb") as source:
        while batch := list(itertools.islice(source, run_lines)):
            if lines:  # a second run: the first goes to disk too
                runs.append(_run(path, len(runs), lines))
            batch.sort()
            lines = batch
    part = path.with_name(path.name + ".sorting")
    with part.open("wb") as out, ExitStack() as stack:
        merged: Iterator[bytes]
        if runs:
            runs.append(_run(path, len(runs), lines))
            lines = []
            merged = heapq.merge(*(stack.enter_context(run.open("rb")) for run in runs))
        else:
            merged = iter(lines)
        for line, _same in itertools.groupby(merged):
            out.write(line)
            total += 1
    os.replace(part, path)
    for run in runs:
        run.unlink()
    return total


def _run(path: Path, n: int, lines: list[bytes]) -> Path:
    run = path.with_name(f"{path.name}.run{n}")
    with run.open("wb") as out:
        out.writelines(lines)
    return run


def compare(
    old: Path, new: Path, removed: Path, added: Path, *, limit: int
) -> tuple[int, int] | None:
    """Write ``old`` - ``new`` to ``removed`` and ``new`` - ``old`` to ``added`` (both
    sorted N-Triples files, see the module); return their counts, or ``None`` (writing
    neither) as soon as together they pass ``limit``."""
    blank = added.with_name(added.name + ".blank")
    try:
        with old.open("rb") as a, new.open("rb") as b, ExitStack() as files:
            opened = (files.enter_context(p.open("wb")) for p in (removed, added, blank))
            out_r, out_a, out_b = opened
            counts = [0, 0]
            for line, side in _merged(a, b):
                if side <= 0:
                    out_r.write(line)
                    counts[0] += 1
                if side >= 0:
                    (out_b if side == 0 or _has_blank(line) else out_a).write(line)
                    counts[1] += 1
                if counts[0] + counts[1] > limit:
                    raise _TooMany
        with added.open("ab") as out:
            # One parse of every added line with a blank node: fresh labels, one per node.
            ox.serialize(ox.parse(path=blank, format=NT, rename_blank_nodes=True), out, NT)
    except _TooMany:
        removed.unlink()
        added.unlink()
        return None
    finally:
        blank.unlink(missing_ok=True)
    return counts[0], counts[1]


class _TooMany(Exception):
    """More differences than the caller's limit."""


def _merged(a: IO[bytes], b: IO[bytes]) -> Iterator[tuple[bytes, int]]:
    """The lines of two sorted files that differ: ``(line, -1)`` only in ``a``, ``(line, 1)``
    only in ``b``, and ``(line, 0)`` for a line of both that has a blank node (a difference
    both ways, see the module)."""
    x, y = next(a, b""), next(b, b"")
    while x and y:
        if x == y:
            if _has_blank(x):
                yield x, 0
            x, y = next(a, b""), next(b, b"")
        elif x < y:
            yield x, -1
            x = next(a, b"")
        else:
            yield y, 1
            y = next(b, b"")
    for line in itertools.chain([x] if x else [], a):
        yield line, -1
    for line in itertools.chain([y] if y else [], b):
        yield line, 1


def _has_blank(line: bytes) -> bool:
    """Whether an N-Triples line of the store's dump has a blank node: its subject, or its
    object (the last term, which for a literal always holds a quote).

    >>> _has_blank(b'_:b1 <http://p> "x" .\\n'), _has_blank(b'<http://s> <http://p> _:b1 .\\n')
    (True, True)
    >>> _has_blank(b'<http://s> <http://p> "a _:b1" .\\n'), _has_blank(b'<http://s> <http://p> 1 .')
    (False, False)
    """
    if b"_:" not in line:
        return False
    if line.startswith(b"_:"):
        return True
    last = line.rstrip(b" .\r\n").rsplit(b" ", 1)[-1]
    return last.startswith(b"_:") and b'"' not in last


def apply(inner: ox.Store, target: str, removed: Path, added: Path, *, forward: bool) -> None:
    """Publish (``forward``) or undo a replace by its differences; safe to repeat from any
    point. Each removal and each chunk of :data:`~graph_loader.store.moves.WRITE_QUADS`
    additions is a write of its own (the chunks by Oxigraph's bulk writer: repeating from
    the files, not a transaction, is what makes a stopped replace whole), so a signal is
    felt at once."""
    gone, gained = (removed, added) if forward else (added, removed)
    name = ox.NamedNode(target)
    for q in ox.parse(path=gone, format=NT):  # the labels as written, blank nodes too
        inner.remove(ox.Quad(q.subject, q.predicate, q.object, name))
    parsed = ox.parse(path=gained, format=NT)
    new = (ox.Quad(q.subject, q.predicate, q.object, name) for q in parsed)
    for chunk in chunks(new, WRITE_QUADS):
        (inner.bulk_extend if len(chunk) >= BULK_QUADS else inner.extend)(chunk)
    inner.add_graph(name)
