"""``lamcoop refresh``: after a write made to the store directly (not through lamcoop), make
lamcoop see it: the data version moved, the local index and the VoID description brought up
to date.

A write through lamcoop (a load, an import, a Graph Store write or an update through a node)
moves the data version itself; one made with the engine's own tools (``oxigraph load``, an
update sent to the engine's endpoint, Virtuoso's bulk loader) does not, so web nodes keep
answering from their caches and their text index. This command is the documented way to
tell them (docs/remote-store.md, "Writes made outside lamcoop").
"""

from __future__ import annotations

import click
import pyoxigraph as ox

from graph_loader import index
from graph_loader.publish.void import write_void
from graph_loader.safe_output import quoted
from graph_loader.store.layout import refuse_internal


@click.command("refresh")
@click.option(
    "--graph",
    "graphs",
    multiple=True,
    help="A graph written outside lamcoop (repeat for several); by default the graphs whose "
    "triple count is not the one the index last saw.",
)
@click.option(
    "--all", "every", is_flag=True, help="Take every graph as changed: the index rebuilt whole."
)
@click.pass_obj
def refresh_command(state, graphs: tuple[str, ...], every: bool) -> None:
    """Make lamcoop see a write made to the store outside lamcoop: move the data version
    (every serving node catches up), refresh the index and the VoID description."""
    settings = state.settings
    base = settings.base_iri
    for graph in graphs:
        try:
            ox.NamedNode(graph)
        except ValueError as exc:
            raise click.BadParameter(
                f"{quoted(graph)} is not an IRI: {exc}", param_hint="--graph"
            ) from None
        refuse_internal(graph)
    store = state.store()
    changed = sorted(
        {g.iri for g in store.graphs()}
        if every
        else set(graphs) | set(index.resized(store, base_iri=base))
    )
    if settings.remote_store:
        # Imported here: only a remote store keeps a data version in the store.
        from graph_loader.store.remote_version import ensure_text, stamp_text

        # One update: each graph stamped, then the version moved (RemoteStore.update).
        store.update(" ;\n".join([ensure_text(), *(stamp_text(g) for g in changed)]))
    # The embedded store: closing it read-write counts a session, which servers watch.
    write_void(store, settings)  # first: the index then reads the new VoID graph too
    entities = (
        index.rebuild(store, base_iri=base)
        if every
        else index.refresh(store, changed, base_iri=base)
    )
    click.echo(
        f"refreshed {len(changed)} graph{'' if len(changed) == 1 else 's'} "
        f"({entities} entities re-indexed); the data version moved"
    )
    for graph in changed:
        click.echo(f"  <{graph}>")
