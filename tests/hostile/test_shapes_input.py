"""User shapes pySHACL refuses or cannot read, given to ``lamcoop validate --shapes``.

A SPARQL constraint with SERVICE made pySHACL return a ValidationFailure in place of a
report, and lamcoop's reading of it ended in a Python traceback (AttributeError); a SPARQL
constraint pySHACL could not parse ended in one too (pyparsing's ParseException). Each is
an error naming pySHACL's reason now, with the exit status of an error (2)."""

from __future__ import annotations

import pytest

SHAPE = """@prefix sh: <http://www.w3.org/ns/shacl#> .
<urn:x-shape> a sh:NodeShape ; sh:targetNode <urn:x-a> ;
  sh:sparql [ sh:select "SELECT $this WHERE { %s }" ] .
"""


@pytest.mark.parametrize(
    ("where", "says"),
    [
        ("SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o }", "must not contain a federated query"),
        ("?s ?p ", "Expected"),
    ],
)
def test_a_shape_pyshacl_refuses_is_an_error_naming_why(cli_store, tmp_path, where, says):
    invoke, _store = cli_store
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPE % where, encoding="utf-8")
    result = invoke("validate", "--shapes", str(shapes))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "pySHACL cannot validate with these shapes:" in result.output
    assert says in result.output


def test_a_sparql_constraint_pyshacl_reads_still_validates(cli_store, tmp_path):
    invoke, _store = cli_store
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPE % "$this <urn:x-never> ?v", encoding="utf-8")
    result = invoke("validate", "--shapes", str(shapes))
    assert result.exit_code == 0, result.output
    assert "Conforms: True" in result.output
