"""The reading of a query's depth before the engine sees it (graph_loader.query_limits): it
may overestimate, never underestimate, whatever a caller hides in strings, comments, IRIs
or escapes; and ordinary queries and large updates of data pass."""

from __future__ import annotations

import pytest

from graph_loader.query_limits import MAX_NESTING, MAX_TERMS, QueryLimitError, check, measure
from tests.hostile.deep_queries import CONSTRUCTS

DEEP = MAX_NESTING + 1


def _refused(text: str) -> QueryLimitError:
    with pytest.raises(QueryLimitError) as caught:
        check(text)
    return caught.value


def test_closing_brackets_in_strings_and_comments_close_nothing():
    level = '{ ?s ?p "}" # }\n'
    error = _refused("SELECT * WHERE " + level * DEEP + "}" * DEEP)
    assert error.name == "nesting"
    assert error.limit == MAX_NESTING


def test_a_comparison_that_looks_like_an_iri_still_nests():
    # "?a<((((?b>" is an IRI to a careless reader, and four open brackets to the engine.
    assert measure("FILTER(?a<((((?b>1)))))").depth >= 5
    # With a "#", the rest of the line is a comment to the engine: its ")" close nothing.
    assert measure("FILTER(?a<((((#))))>\n" * 3).depth >= 15


def test_escaped_brackets_count_as_brackets():
    level = "\\u007B "
    assert _refused("SELECT * WHERE " + level * DEEP + "?s ?p ?o").name == "nesting"


def test_a_real_iri_with_brackets_leaves_nothing_open():
    iri = "<http://dbpedia.org/resource/Paris_(France)#it>"
    assert measure(f"SELECT * {{ ?s ?p {iri} FILTER(?s != {iri}) }}").depth == 2


@pytest.mark.parametrize(
    "text",
    [
        "PREFIX ex: <http://e/> SELECT * WHERE { ex:a-b ex:c-d ?o FILTER(?o != -1) }",
        'SELECT * WHERE { ?s ?p "((((((((" }',
        "SELECT * WHERE { ?s ?p ?o } ORDER BY DESC(?o) LIMIT 10",
    ],
)
def test_ordinary_queries_pass(text):
    check(text)


def test_large_updates_of_data_pass():
    data = "".join(f'<http://e/s{n}> <http://e/p> "-{n} (x" , -{n} .\n' for n in range(20_000))
    check(f"INSERT DATA {{ {data} }}")
    check("SELECT * WHERE { VALUES ?x { " + "-1 " * 20_000 + "} }")
    check("SELECT * WHERE { ?s ?p ?o FILTER(?o IN (" + ", ".join(["1"] * 20_000) + ")) }")


def test_terms_outside_data_are_limited():
    error = _refused(CONSTRUCTS["triples"](MAX_TERMS))
    assert error.name == "terms"
    assert "(the terms limit) at character" in str(error)


def test_the_command_line_refuses_a_deep_query(invoke, tmp_path):
    result = invoke("--store", str(tmp_path / "store"), "query", CONSTRUCTS["braces"](3000))
    assert result.exit_code != 0
    assert "the nesting limit" in result.output
