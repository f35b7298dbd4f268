"""Hostile RDF/XML: entity expansion is bounded before pyoxigraph expands anything.

pyoxigraph's RDF/XML reader expands every entity a DOCTYPE declares, without limit: a 1 KB
"billion laughs" file ran 130 s, peaked at 8.95 GB and stored a 3-billion-character
literal. Now each entity may expand to 64 KiB and a document's references to 16 MiB (or the
document's size); external and parameter entities are refused. Each refusal names the file
and line (over HTTP, the line in the request body) and leaves the store as it was.
"""

from __future__ import annotations

import gzip
import time

import pyoxigraph as ox
import pytest
import requests

from graph_loader.bounded import ENTITY_LIMIT, EXPANSION_LIMIT
from graph_loader.store import open_store
from tests.hostile.conftest import CLI_GRAPH, store_state_at
from tests.hostile.request_support import served_state
from tests.servers import HTTP_DEADLINE

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#: Seconds a refusal may take: generous (a busy machine never reaches it), yet far below
#: the 130 s the billion laughs took before.
DEADLINE = 60
XML_TYPE = "application/rdf+xml"


def document(declarations: list[str], body: str, *, hidden: bool = False) -> str:
    """An RDF/XML document whose DOCTYPE declares ``declarations`` (one a line, from line 3;
    ``hidden``: inside a comment, which expat skips and pyoxigraph reads) and whose one
    property holds ``body``."""
    lines = "\n".join(declarations)
    subset = f"<!--\n{lines}\n-->" if hidden else lines
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
        f"{subset}\n]>\n"
        f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:t="urn:x-lamcoop-test:">\n'
        f'<rdf:Description rdf:about="urn:x-lamcoop-test:s"><t:p>{body}</t:p></rdf:Description>\n'
        "</rdf:RDF>\n"
    )


def laughs() -> tuple[str, int]:
    """The billion laughs (ten levels of ten), and the line of the first entity over the
    limit (lol5: 300,000 characters)."""
    declarations = ['<!ENTITY lol "lol">']
    for level in range(1, 10):
        previous = f"&lol{level - 1 if level > 1 else ''};"
        declarations.append(f'<!ENTITY lol{level} "{previous * 10}">')
    first_over = next(n for n in range(10) if 3 * 10**n > ENTITY_LIMIT)
    return document(declarations, "&lol9;"), 3 + first_over


def quadratic() -> tuple[str, int]:
    """One entity just under the limit, referenced until the document's budget is passed
    (each reference on a line of its own), and the line of the reference that passes it."""
    size = ENTITY_LIMIT - 1000
    refs = EXPANSION_LIMIT // size + 5
    text = document([f'<!ENTITY big "{"x" * size}">'], "\n" + "&big;\n" * refs)
    first_ref = text.splitlines().index("&big;") + 1
    return text, first_ref + EXPANSION_LIMIT // size - 1  # the declaration counts too


def redeclared() -> tuple[str, int]:
    """Entities each within the limit, built from one big entity that is then declared
    again as small (pyoxigraph has built them all by then), and the line of the one that
    passes the document's budget."""
    size = ENTITY_LIMIT - 1000
    copies = [f'<!ENTITY b{n} "&big;">' for n in range(EXPANSION_LIMIT // size + 5)]
    text = document([f'<!ENTITY big "{"x" * size}">', *copies, '<!ENTITY big "x">'], "ok")
    return text, 3 + EXPANSION_LIMIT // size


#: Hostile documents, each with the line its refusal must name and a word of its reason.
CASES = {
    "billion-laughs": (*laughs(), "expands to"),
    "quadratic-blowup": (*quadratic(), "over"),
    "redeclared": (*redeclared(), "expand to"),
    "xxe-file": (
        document(['<!ENTITY x SYSTEM "file:///etc/passwd">'], "&x;"),
        3,
        "external entity",
    ),
    "xxe-http": (
        document(['<!ENTITY x SYSTEM "http://127.0.0.1:9/secret">'], "&x;"),
        3,
        "external entity",
    ),
    "xxe-public": (
        document(['<!ENTITY x PUBLIC "-//x//y" "http://127.0.0.1:9/y">'], "&x;"),
        3,
        "external entity",
    ),
    "parameter-entity": (
        document(["<!ENTITY % p \"<!ENTITY x 'y'>\">", "%p;"], "&x;"),
        3,
        "parameter entity",
    ),
    "laughs-in-a-comment": (
        document(laughs()[0].splitlines()[2:12], "&lol9;", hidden=True),
        laughs()[1] + 1,  # one line down: the comment opens on line 3
        "expands to",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("packed", [False, True], ids=["plain", "gzip"])
def test_a_hostile_rdfxml_file_is_refused_with_its_line(cli_store, tmp_path, name, packed):
    invoke, store = cli_store
    before = store_state_at(store)
    text, line, reason = CASES[name]
    path = tmp_path / f"{name}.rdf{'.gz' if packed else ''}"
    path.write_bytes(gzip.compress(text.encode()) if packed else text.encode())
    started = time.monotonic()
    result = invoke("load", "--graph", CLI_GRAPH, str(path))
    assert time.monotonic() - started < DEADLINE
    assert result.exit_code == 1, result.output
    assert f"{path}:{line}:" in result.output, result.output
    assert reason in result.output and "nothing loaded" in result.output
    assert "Traceback" not in result.output
    assert store_state_at(store) == before


def test_the_billion_laughs_are_refused_by_the_real_command(lamcoop, tmp_path):
    """The installed ``lamcoop`` in a process of its own: a clear error, no traceback."""
    kept = tmp_path / "kept.nt"
    kept.write_text("<urn:x-lamcoop-test:a> <urn:x-lamcoop-test:b> <urn:x-lamcoop-test:c> .\n")
    assert lamcoop("load", "--graph", CLI_GRAPH, str(kept)).returncode == 0
    before = store_state_at(tmp_path / "lamcoop-store")
    text, line = laughs()
    path = tmp_path / "laughs.rdf"
    path.write_text(text, encoding="utf-8")
    done = lamcoop("load", str(path), timeout=DEADLINE)
    output = (done.stdout + done.stderr).decode()
    assert done.returncode == 1, output
    assert f"{path}:{line}:" in output and "Traceback" not in output
    assert store_state_at(tmp_path / "lamcoop-store") == before


def test_entities_that_expand_a_little_still_load(cli_store, tmp_path):
    """What ontology editors write (``&owl;Class``-style abbreviations) is no attack."""
    invoke, store = cli_store
    text = document(['<!ENTITY t "urn:x-lamcoop-test:">'], "&t;o").replace(
        'rdf:about="urn:x-lamcoop-test:s"', 'rdf:about="&t;s"'
    )
    path = tmp_path / "abbreviated.rdf"
    path.write_text(text, encoding="utf-8")
    result = invoke("load", "--graph", "urn:x-lamcoop-test:abbreviated", str(path))
    assert result.exit_code == 0, result.output
    opened = open_store(store)
    try:
        quads = set(opened.quads("urn:x-lamcoop-test:abbreviated"))
    finally:
        opened.close()
    subject, prop = ox.NamedNode("urn:x-lamcoop-test:s"), ox.NamedNode("urn:x-lamcoop-test:p")
    graph = ox.NamedNode("urn:x-lamcoop-test:abbreviated")
    assert quads == {ox.Quad(subject, prop, ox.Literal("urn:x-lamcoop-test:o"), graph)}


@pytest.mark.parametrize("name", ["billion-laughs", "quadratic-blowup", "xxe-file", "xxe-http"])
def test_the_graph_store_refuses_a_hostile_rdfxml_body_with_its_line(http_server, name):
    before = served_state(http_server)
    text, line, reason = CASES[name]
    started = time.monotonic()
    response = requests.put(
        f"{http_server.url}/graph-store",
        params={"graph": "urn:x-lamcoop-test:entities"},
        data=text.encode(),
        headers={"Content-Type": XML_TYPE, "Authorization": f"Bearer {http_server.token}"},
        timeout=HTTP_DEADLINE,
    )
    assert time.monotonic() - started < DEADLINE
    assert response.status_code == 400, response.text
    assert f"line {line}, column" in response.text and "of the request body" in response.text
    assert reason in response.text and "Traceback" not in response.text
    assert served_state(http_server) == before


def test_an_rdfxml_syntax_error_in_a_body_names_its_place(http_server):
    before = served_state(http_server)
    body = (
        f'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="{RDF}" xmlns:t="urn:x-lamcoop-test:">\n'
        '<rdf:Description rdf:about="urn:x-lamcoop-test:s">\n  <t:p>1</t:q>\n'
        "</rdf:Description>\n</rdf:RDF>\n"
    )
    response = requests.post(
        f"{http_server.url}/graph-store",
        params={"graph": "urn:x-lamcoop-test:broken"},
        data=body.encode(),
        headers={"Content-Type": XML_TYPE, "Authorization": f"Bearer {http_server.token}"},
        timeout=HTTP_DEADLINE,
    )
    assert response.status_code == 400, response.text
    assert "line 4, column 11 of the request body" in response.text, response.text
    assert served_state(http_server) == before


def test_a_hostile_part_of_a_multipart_body_is_refused_with_its_line(http_server):
    before = served_state(http_server)
    text, line, _ = CASES["billion-laughs"]
    response = requests.post(
        f"{http_server.url}/graph-store",
        params={"graph": "urn:x-lamcoop-test:parts"},
        files={"data": ("laughs.rdf", text.encode(), XML_TYPE)},
        headers={"Authorization": f"Bearer {http_server.token}"},
        timeout=HTTP_DEADLINE,
    )
    assert response.status_code == 400, response.text
    assert f"part 'laughs.rdf', line {line}, column" in response.text, response.text
    assert served_state(http_server) == before
