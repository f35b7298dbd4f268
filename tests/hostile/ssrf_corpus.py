"""The SSRF corpus: queries and updates that try every escape and comment trick to make the
server call out, and a few that only look as if they did.

In each text, ``{U}`` stands for a target's base URL (``http://127.0.0.1:PORT/``) and ``{HP}``
for its host and port. ``calls`` says whether Oxigraph itself calls the target when it runs
the text with the base IRI ``{U}sparql`` (checked by ``test_ssrf_reading.py`` against
pyoxigraph); ``found`` is what :func:`sparql_endpoint.sparql_reach.reach` must report, with
``{U}`` written as ``/`` (``None``: at least what Oxigraph calls).
"""

from __future__ import annotations

from dataclasses import dataclass

T3 = '"' * 3


@dataclass(frozen=True)
class Case:
    """One text of the corpus (see the module's docstring)."""

    kind: str  # "query" or "update"
    text: str
    calls: bool
    found: tuple[str, ...] | None = None

    def at(self, base: str) -> str:
        """The text aimed at ``base`` (``http://host:port/``)."""
        host_port = base.removeprefix("http://").rstrip("/")
        return self.text.replace("{U}", base).replace("{HP}", host_port)


def q(text: str, calls: bool = True, found: tuple[str, ...] | None = None) -> Case:
    return Case("query", text, calls, found)


def u(text: str, calls: bool = True, found: tuple[str, ...] | None = None) -> Case:
    return Case("update", text, calls, found)


CORPUS: tuple[Case, ...] = (
    q("SELECT * { SERVICE <{U}a> { ?s ?p ?o } }", found=("/a",)),
    # The bypass: an escaped newline in a comment "ends" the comment for a reader
    # that applies escapes everywhere; Oxigraph applies none there.
    q("SELECT * WHERE { # \\u000A " + T3 + "\nSERVICE <{U}b> { ?s ?p ?o }\n# " + T3 + "\n}"),
    q("SELECT * WHERE { # \\U0000000A '''\nSERVICE <{U}c> { ?s ?p ?o }\n# '''\n}"),
    q("SELECT * WHERE { # \\u000D\nSERVICE <{U}c2> { }\n}"),
    q('SELECT * { BIND("\\u0022 SERVICE <{U}no> {}" AS ?x) SERVICE <{U}d> {} }', found=("/d",)),
    q("SELECT * { SERVICE <{U}e\\u0064> {} }", found=("/ed",)),
    q("SELECT * { SERVICE <{U}e\\U00000066> {} }", found=("/ef",)),
    q("SELECT * { BIND(" + T3 + 'a "" b " SERVICE <{U}no> {} ' + T3 + " AS ?x) SERVICE <{U}g> {}}"),
    q("SELECT * { BIND('''a '' b ' SERVICE <{U}no> {} ''' AS ?x) SERVICE <{U}g2> {} }"),
    q("SELECT * { SERVICE <{U}h#frag> {} }", found=("/h#frag",)),
    q("SELECT * { ?s <{U}x#> ?o SERVICE <{U}i> {} }", found=("/i",)),
    q('SELECT * { BIND("# no comment" AS ?x) SERVICE <{U}j> {} }', found=("/j",)),
    q("PREFIX p: <http://example.org/> PREFIX p: <{U}> SELECT * { SERVICE p:k {} }"),
    q("BASE <{U}base/> SELECT * { SERVICE <l> {} }"),
    q("SELECT * { SERVICE <m> {} }", found=("/m",)),
    q("SELECT * { SERVICE <//{HP}/n> {} }", found=("/n",)),
    q("SELECT * { SERVICE <../o> {} }", found=("/o",)),
    q("SELECT * { SERVICE SILENT <{U}p> {} }", found=("/p",)),
    q("SELECT * { VALUES ?x { <{U}q> } SERVICE ?x {} }", calls=False, found=("?x",)),
    q("SELECT * { SERVICE SILENT $x {} VALUES $x { <{U}q2> } }", calls=False, found=("$x",)),
    q("SELECT * { { SELECT * { SERVICE <{U}r> {} } } }", found=("/r",)),
    q("SELECT * { OPTIONAL { SERVICE <{U}r2> {} } MINUS { SERVICE <{U}r3> { ?s ?p ?o } } }"),
    q("SELECT * { FILTER EXISTS { SERVICE <{U}r4> {} } }"),
    q("SELECT * { SERVICE <{U}r5> { SERVICE <{U}r6> {} } }"),
    q("SELECT * { sErViCe <{U}s> {} }", found=("/s",)),
    q("select * { service <{U}s2> {} }", found=("/s2",)),
    q("PREFIX : <{U}> SELECT * { SERVICE:t {} }", found=("/t",)),
    q("SELECT * { SERVICEsilent<{U}u>{} }", found=("/u",)),
    q("SELECT * { ?s ?p 1SERVICE <{U}v> {} }", found=("/v",)),
    q("SELECT * { ?s ?p 1.5e3SERVICE <{U}v2> {} }", found=("/v2",)),
    q("SELECT * { ?s ?p trueSERVICE <{U}v3> {} }", found=("/v3",)),
    q("SELECT * { # comment\rSERVICE <{U}x> {} }", found=("/x",)),
    q("SELECT * { SERVICE<{U}ac>{} }", found=("/ac",)),
    q("SELECT * { SERVICE#c\n<{U}ad>#c\n{} }", found=("/ad",)),
    q("SELECT * { SERVICE\t\r\n<{U}ad2>\r\n{} }", found=("/ad2",)),
    q("PREFIX : <{U}> SELECT * { ?s ?p :a\\# . SERVICE <{U}z> {} }", found=("/z",)),
    q("PREFIX : <{U}> SELECT * { ?s ?p :a\\' . SERVICE <{U}z2> {} } #'", found=("/z2",)),
    q("PREFIX p: <{U}> SELECT * { SERVICE p:a\\-b {} }", found=("/a-b",)),
    q("PREFIX p: <{U}> SELECT * { SERVICE p:%41 {} }", found=("/%41",)),
    q("PREFIX p: <{U}> SELECT * { SERVICE p:a.b {} }", found=("/a.b",)),
    q("PREFIX p: <{U}> SELECT * { SERVICE p: {} }", found=("/",)),
    q("PREFIX p: <{U}\\u0070re/> SELECT * { SERVICE p:x {} }", found=("/pre/x",)),
    q("BASE <{U}b2/> PREFIX p: <rel/> SELECT * { SERVICE p:x {} }"),
    q("BASE <{U}b3/> BASE <sub/> SELECT * { SERVICE <x> {} }"),
    q("SELECT * { << <urn:a> <urn:b> <urn:c> >> ?p ?o . SERVICE <{U}ae> {} }"),
    q("SELECT * { ?s <urn:x'y> ?o . SERVICE <{U}af> {} } #'", found=("/af",)),
    q("SELECT * { ?s ?p ?o FILTER(?o = <urn:a>) SERVICE <{U}aj> {} }", found=("/aj",)),
    q('SELECT * { BIND("\\\\" AS ?x) SERVICE <{U}ak> {} }', found=("/ak",)),
    q('VERSION "1.2" SELECT * { SERVICE <{U}al> {} }', found=("/al",)),
    q("ASK { SERVICE <{U}ask> {} }", found=("/ask",)),
    q("CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{U}construct> { ?s ?p ?o } }"),
    q("DESCRIBE ?s WHERE { SERVICE <{U}describe> { ?s ?p ?o } }"),
    # "<" is an IRI or "less than": every reading is followed.
    q("SELECT * { BIND(1 AS ?a) FILTER(?a<'>') SERVICE <{U}y> { } } #'", calls=False),
    # Unicode spaces are no SPARQL whitespace: a syntax error, nothing called.
    q("SELECT * { SERVICE\u00a0<{U}w> {} }", calls=False, found=()),
    q("SELECT * { SERVICE\u2028<{U}w2> {} }", calls=False, found=()),
    q("SELECT * { SERVICE\u3000<{U}w3> {} }", calls=False, found=()),
    # Escapes apply to IRIs and strings only: an escaped keyword is no keyword.
    q("SELECT * { \\u0053ERVICE <{U}w4> {} }", calls=False, found=()),
    # Only look like calls.
    q("SELECT * { ?s ?p ?o } VALUES ?x { 'SERVICE <{U}no> {}' }", calls=False, found=()),
    q("SELECT * { ?s ?p ?o } # SERVICE <{U}no> {}", calls=False, found=()),
    q("SELECT * { ?s <{U}service> ?o }", calls=False, found=()),
    q("PREFIX ex: <{U}> SELECT ?service { ?service ex:service ?o }", calls=False, found=()),
    q("SELECT * { ?s <{U}download> ?o . ?load ?p ?o }", calls=False, found=()),
    u("LOAD <{U}v.ttl>", found=("/v.ttl",)),
    u("LOAD SILENT <{U}w.ttl> INTO GRAPH <urn:x-lamcoop-test:g>", found=("/w.ttl",)),
    u("LOADsilent<{U}w2.ttl>", found=("/w2.ttl",)),
    u("load <{U}x.ttl>", found=("/x.ttl",)),
    u("CLEAR SILENT GRAPH <urn:x-lamcoop-test:none> ; LOAD <{U}y.ttl>", found=("/y.ttl",)),
    u("# \\u000A\nLOAD <{U}z.ttl>", found=("/z.ttl",)),
    u("PREFIX : <{U}> LOAD :za.ttl", found=("/za.ttl", "/")),  # the prefix alone too
    u("BASE <{U}> LOAD <zb.ttl>"),
    u("LOAD <{U}zd\\u002Ettl>", found=("/zd.ttl",)),
    u("INSERT { GRAPH <urn:x-lamcoop-test:g> { ?s ?p ?o } } WHERE { SERVICE <{U}aa> { ?s ?p ?o }}"),
    u(
        "WITH <urn:x-lamcoop-test:g> INSERT { ?s ?p ?o } USING <urn:x-lamcoop-test:h> "
        "WHERE { SERVICE <{U}ab> { } }"
    ),
    u("DELETE { ?s ?p ?o } WHERE { # \\u000A '''\nSERVICE <{U}ac2> { ?s ?p ?o }\n# '''\n}"),
    u("INSERT DATA { GRAPH <urn:x-lamcoop-test:g> { <urn:a> <urn:b> '# \\u000A' } };LOAD <{U}zc>"),
    u(
        "INSERT DATA { GRAPH <urn:x-lamcoop-test:g> { <urn:a> <urn:b> 'LOAD <{U}no.ttl>' } }",
        calls=False,
        found=(),
    ),
)
