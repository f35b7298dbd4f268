"""Dereferenceable entities: ``/id/...`` answers 303 to ``/doc/...``, which serves the
description in the negotiated format (or the one its extension names).

As DBpedia does, the redirect already honours Accept: ``/id/institution/calis`` asked for
Turtle goes to ``/doc/institution/calis.ttl``, for HTML to ``/doc/institution/calis.html``.
``/doc/...`` without an extension negotiates too and names the variant in Content-Location.
The server maps its own paths onto the configured base IRI, so ``/id/x`` here is
``{base}id/x`` wherever it runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.urls import iri_to_uri

from graph_loader.describe import Description, Select, describe, exists
from graph_loader.graphs import ONTOLOGY
from graph_loader.term_labels import external_labels
from graph_loader.vocab import PROV, normalise_language, sparql_prefixes, text_of
from sparql_endpoint.context import service
from sparql_endpoint.executor import ReadView
from sparql_endpoint.front_cache import HEADER as FRONT_CACHE_HEADER
from sparql_endpoint.linked_data import reader
from sparql_endpoint.linked_data.documents import (
    DOC_FORMATS,
    DOC_OFFERS,
    HTML_FORMAT,
    DocFormat,
    document_triples,
    serialize,
    split_extension,
)
from sparql_endpoint.linked_data.entity_paths import as_sent, spellings, url_path
from sparql_endpoint.linked_data.entity_view import Link, build_view, term_links
from sparql_endpoint.linked_data.error_pages import error_page
from sparql_endpoint.linked_data.present import text_dir
from sparql_endpoint.linked_data.request_args import reader_language, whole_number
from sparql_endpoint.negotiation import body_etag, conditional, negotiate, wants_html
from sparql_endpoint.refusals import N_, Said, refuse

blueprint = Blueprint("entities", __name__, template_folder="templates")

VARY = "Accept, Accept-Language"
#: The last page of statements about an entity a client may ask for (pages are
#: :data:`~graph_loader.describe.PAGE_SIZE` statements long).
MAX_PAGE = 1_000_000
TERM_LABELS_QUERY = sparql_prefixes("rdfs") + (
    "SELECT ?og ?x ?l WHERE { GRAPH ?og { ?x rdfs:label ?l } FILTER(isIRI(?x)) }"
)


def _negotiated() -> DocFormat:
    """The representation the request asks for (``format=`` or Accept); 406 when none fits."""
    return negotiate(request, DOC_OFFERS, what=N_("entity documents"))


def _query_suffix() -> str:
    kept = [(k, v) for k, v in request.args.items(multi=True) if k in ("lang", "page")]
    return "?" + urlencode(kept) if kept else ""


@blueprint.get("/id/<path:rest>")
def identifier(rest: str) -> Response:
    """303 See Other to the document about the thing, in the negotiated format."""
    fmt = _negotiated()
    paths = _paths(rest, "id")
    if "page" in request.args:
        whole_number("page", most=MAX_PAGE, default=1)
    version = service().executor.version
    found = next((p for p in paths if exists(reader.select, entity_iri(p))), None)
    if found is None:
        return not_found(rest, entity_iri(paths[-1]))
    response = Response(status=303)
    response.headers["Location"] = f"/doc/{url_path(found)}.{fmt.extension}{_query_suffix()}"
    response.headers["Vary"] = VARY
    return _for_front(response, version)


def _for_front(response: Response, version: int) -> Response:
    """``response`` marked as one the front may keep for ``version`` (when it keeps any):
    the workers decide what is kept, the front only looks for the mark."""
    if service().front_cache:
        response.headers[FRONT_CACHE_HEADER] = str(version)
    return response


@blueprint.get("/doc/<path:rest>")
def document(rest: str) -> Response:
    """The description of ``{base}id/{rest}``, in the format of the extension or Accept.

    A document is made once per version of the data and request (path, query, Accept,
    Accept-Language, host), with its ETag, then served from the process's memory: no store
    read, no rendering, no digest. Each request still gets its own conditional answer (304).
    """
    paths = _paths(rest, "doc")
    svc = service()
    headers = request.headers
    key = (
        tuple(paths),
        request.query_string,
        headers.get("Accept", ""),
        headers.get("Accept-Language", ""),
        request.host_url,
    )
    version = svc.executor.version
    status, fields, body = svc.documents.get(version, key, lambda: _made(rest, paths))
    response = Response(body, status=status, headers=fields)
    if status != 200:
        return response
    response = cacheable(response)
    return _for_front(response, version) if response.status_code == 200 else response


def _paths(rest: str, surface: str) -> list[str]:
    """The entity paths the request names (:mod:`.entity_paths`) that make valid IRIs; 400
    naming the problem when none does."""
    sent = as_sent(request.environ, request.script_root, surface)
    paths = [p for p in spellings(rest, sent) if _valid(p)]
    if not paths:  # the decoded path among them: its IRI is invalid too
        entity_iri(rest)  # raises the 400 naming the problem
    return paths


def _valid(path: str) -> bool:
    try:
        ox.NamedNode(service().settings.base_iri + "id/" + path)
    except ValueError:
        return False
    return True


def _made(rest: str, paths: list[str]) -> tuple[int, list[tuple[str, str]], bytes]:
    """The document's status, headers (a 200's with its ETag, a digest of the body made
    here once) and body, as made from the store (every read in one read block: one lock,
    one time limit, one version of the data)."""
    response = _fresh(rest, paths)
    body = response.get_data()
    if response.status_code == 200:
        response.set_etag(body_etag(body))
    return response.status_code, list(response.headers.items()), body


def _fresh(rest: str, paths: list[str]) -> Response:
    with reader.reading() as view:
        found = _entity(view, paths, _page_asked())
        if found is None:
            return not_found(rest, entity_iri(paths[-1]))
        stem, fmt, description = found
        chosen = fmt or _negotiated()
        whole_number("page", most=MAX_PAGE, default=1)  # 400 for a page that is no page
        terms = known_term_links(view.select, reader_language()) if chosen is HTML_FORMAT else {}
    return _document(description, stem, chosen, terms)


def _page_asked() -> int:
    """The page the request asks for, 1 when it names none that is valid: the entity is
    looked up first (404 before 400, as ever), and a bad page is refused after it."""
    try:
        return whole_number("page", most=MAX_PAGE, default=1)
    except HTTPException:
        return 1


def _document(
    description: Description, stem: str, chosen: DocFormat, terms: Mapping[str, Link]
) -> Response:
    """The response for one page of ``description`` in ``chosen``; 404 past the last page."""
    page = description.page
    if page > 1 and not description.incoming:
        refuse(
            404,
            N_("page %(page)s is past the last page of statements about this entity"),
            page=page,
        )
    own = f"/doc/{url_path(stem)}.{chosen.extension}"
    next_url = own + "?" + urlencode(_args(page + 1)) if description.has_next else None
    lang = reader_language() if chosen is HTML_FORMAT else ""
    if chosen is HTML_FORMAT:
        body: str | bytes = _html(description, lang, stem, next_url, terms)
    else:
        assert chosen.rdf is not None
        doc_url = request.host_url.rstrip("/") + own + _query_suffix()
        full_next = request.host_url.rstrip("/") + next_url if next_url else None
        body = serialize(description, chosen.rdf, document_triples(description, doc_url, full_next))
    response = Response(body, content_type=chosen.content_type)
    _headers(response, stem, chosen, description.graphs, next_url, lang)
    return response


def cacheable(response: Response) -> Response:
    """``response`` conditional (ETag, ``Last-Modified`` of the data) and cacheable for the
    ``cache_max_age`` setting, as entity documents and the ontology are."""
    svc = service()
    return conditional(
        request,
        response,
        modified=svc.executor.modified,
        max_age=svc.settings.cache_max_age,
    )


def _entity(
    view: ReadView, paths: list[str], page: int
) -> tuple[str, DocFormat | None, Description] | None:
    """The entity's path, the format its extension names (``None``: negotiated) and its
    description with page ``page`` of the statements pointing at it, or ``None`` when
    nothing is known of it. Each candidate IRI is described once (each of ``paths`` without
    its extension, then whole); only an empty description is checked with :func:`exists`
    (something said of it in no graph descriptions draw on)."""
    candidates: list[tuple[str, DocFormat | None]] = []
    for rest in paths:
        stem, fmt = split_extension(rest)
        candidates += [(stem, fmt), (rest, None)] if fmt is not None else [(rest, None)]
    for path, named in candidates:  # a valid IRI without its extension is valid too
        iri = entity_iri(path)
        description = describe(view, iri, page=page)
        if not description.empty or exists(view.select, iri):
            return path, named, description
    return None


def _args(page: int) -> dict[str, str]:
    args = {"page": str(page)}
    if "lang" in request.args:
        args["lang"] = request.args["lang"]
    return args


def entity_iri(rest: str) -> str:
    """``{base}id/{rest}``; 400 naming the problem when that is not a valid IRI (a space,
    a control character, ``<``, ``{``...), which no entity can have."""
    iri = service().settings.base_iri + "id/" + rest
    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        reason = str(exc).encode("unicode_escape").decode("ascii")
        message = N_("%(path)s does not name a valid IRI: %(reason)s")
        refuse(400, message, path=f"/id/{quote(rest)}", reason=reason)
    return iri


def _html(
    description: Description,
    lang: str,
    stem: str,
    next_url: str | None,
    terms: Mapping[str, Link],
) -> str:
    settings = service().settings
    view = build_view(description, lang, settings.base_iri, terms)
    prev_url = None
    if description.page > 1:
        prev_url = f"/doc/{url_path(stem)}.html?" + urlencode(_args(description.page - 1))
    return render_template(
        "ld/entity.html",
        view=view,
        lang=lang,
        dir=text_dir(lang),
        stem=stem,
        formats=DOC_FORMATS,
        page=description.page,
        next_url=next_url,
        prev_url=prev_url,
        total_incoming=description.incoming_total,
    )


def _headers(
    response: Response,
    stem: str,
    chosen: DocFormat,
    graphs: list[str],
    next_url: str | None,
    lang: str,
) -> None:
    path = f"/doc/{url_path(stem)}"
    links = [f'<{path}.{f.extension}>; rel="alternate"; type="{f.media_type}"' for f in DOC_FORMATS]
    # A header is Latin-1 and a link's target a URI (RFC 8288): an IRI's own URI.
    links.append(f'<{iri_to_uri(entity_iri(stem))}>; rel="describes"')
    links += [f'<{iri_to_uri(g)}>; rel="{PROV + "wasDerivedFrom"}"' for g in graphs]
    if next_url:
        links.append(f'<{next_url}>; rel="next"')
    response.headers["Link"] = ", ".join(links)
    response.headers["Vary"] = VARY
    response.headers["Content-Location"] = f"{path}.{chosen.extension}{_query_suffix()}"
    if chosen is HTML_FORMAT:
        response.headers["Content-Language"] = lang


def known_term_links(select: Select, lang: str) -> dict[str, Link]:
    """:func:`term_links` of :func:`known_term_labels` in ``lang``, made once per data
    version and language."""
    svc = service()
    labels = known_term_labels(select)
    return svc.rendered.get(
        svc.executor.version,
        ("term-links", lang),
        lambda: term_links(labels, lang, svc.settings.base_iri),
    )


def known_term_labels(select: Select) -> dict[str, list[ox.Literal]]:
    """:func:`term_labels`, read once per data version (the ontology's labels)."""
    svc = service()
    return svc.rendered.get(svc.executor.version, "term-labels", lambda: term_labels(select))


def term_labels(select: Select) -> dict[str, list[ox.Literal]]:
    """IRI of every labelled term of the ontology graph -> its labels (every language), with
    the labels of other vocabularies' terms (:mod:`graph_loader.term_labels`) in each language the
    ontology does not label them in."""
    graph = ox.NamedNode(service().settings.graph_iri(ONTOLOGY))
    found: dict[str, list[ox.Literal]] = {}
    for row in select(TERM_LABELS_QUERY, {"og": graph}):
        label = row["l"]
        if isinstance(label, ox.Literal):
            found.setdefault(text_of(row["x"]), []).append(label)
    for iri, labels in external_labels().items():
        own = found.setdefault(iri, [])
        have = {normalise_language(lit.language or "") for lit in own}
        own += [lit for lit in labels if normalise_language(lit.language or "") not in have]
    return found


def not_found(slug: str, iri: str) -> Response:
    """404 naming the IRI and pointing at a search for its last segment: one line of text,
    or a page in the reader's language for a browser."""
    words = slug.rsplit("/", 1)[-1]
    hint = "/search?" + urlencode({"q": words})
    text = f"404 Not Found: nothing is known about <{iri}>; try the search: {hint}\n"
    page = None
    if wants_html(request):
        lang = reader_language()
        search = "/search?" + urlencode({"q": words, "lang": lang})
        said = Said(N_("nothing is known about <%(iri)s>"), {"iri": iri})
        description = said.english()
        page = error_page(
            404, "Not Found", description, iri=iri, search=search, words=words, said=said
        )
    response = page or Response(text, status=404, content_type="text/plain; charset=utf-8")
    response.headers["Link"] = f'<{hint}>; rel="search"'
    response.headers["Vary"] = VARY
    return response
