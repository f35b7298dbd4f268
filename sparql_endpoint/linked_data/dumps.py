"""``/dumps/``: the files ``lamcoop dump`` (and the build) wrote, listed and served.

A compressed dump (``lamcoop.nq.gz``) is served as what it holds (``application/n-quads``)
with gzip as its content coding, as RDF clients expect: its bytes as stored to a client that
accepts gzip (or says nothing, as RFC 9110 reads no ``Accept-Encoding``), decompressed as it
streams to one that does not (Python's urllib, and so rdflib, sends ``identity``).
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterator
from pathlib import Path

from flask import Blueprint, Response, jsonify, render_template, request, send_from_directory
from werkzeug.wrappers import Request

from graph_loader.publish.dump import read_manifest
from graph_loader.safe_output import quoted
from sparql_endpoint.context import service
from sparql_endpoint.linked_data.present import text_dir
from sparql_endpoint.linked_data.request_args import reader_language
from sparql_endpoint.negotiation import PAGE_OFFERS, conditional, negotiate
from sparql_endpoint.refusals import N_, refuse

blueprint = Blueprint("dumps", __name__, template_folder="templates")


@blueprint.get("/dumps/")
def listing() -> Response | str:
    """Every dump with its media type, size and SHA-256 (HTML, or JSON with ?format=json)."""
    files = read_manifest(service().settings)
    if negotiate(request, PAGE_OFFERS, what=N_("the list of dumps")) == "json":
        return jsonify([f.__dict__ for f in files])
    lang = reader_language()
    return render_template("ld/dumps.html", files=files, lang=lang, dir=text_dir(lang))


@blueprint.get("/dumps/<name>")
def download(name: str) -> Response:
    """One dump file, by the name the manifest lists."""
    files = {f.name: f for f in read_manifest(service().settings)}
    if name not in files:
        refuse(404, N_("no dump named %(name)s; the list is at /dumps/"), name=quoted(name))
    f = files[name]
    folder = service().settings.dump_path
    if f.compress and not accepts_gzip(request):
        response = Response(_gunzipped(folder / name), mimetype=f.media_type)
        response.vary.add("Accept-Encoding")
        return conditional(request, response, etag=f.sha256 + "-identity")
    response = send_from_directory(
        folder, name, mimetype=f.media_type, conditional=False, etag=False
    )
    response.headers["Digest"] = "sha-256=" + _b64(f.sha256)
    if f.compress:
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
    return conditional(request, response, etag=f.sha256, ranges=True)


def accepts_gzip(request: Request) -> bool:
    """Whether the client takes gzip-coded bytes: it says so, or says nothing at all.

    >>> from werkzeug.test import EnvironBuilder
    >>> def asking(**headers):
    ...     return EnvironBuilder(headers=headers).get_request()
    >>> [accepts_gzip(asking(**h)) for h in ({}, {"Accept-Encoding": "gzip, deflate"},
    ...  {"Accept-Encoding": "identity"}, {"Accept-Encoding": "*;q=0, identity"})]
    [True, True, False, False]
    """
    if "Accept-Encoding" not in request.headers:
        return True
    return request.accept_encodings["gzip"] > 0


def _gunzipped(path: Path, chunk: int = 1 << 16) -> Iterator[bytes]:
    with gzip.open(path, "rb") as handle:
        while block := handle.read(chunk):
            yield block


def _b64(hex_digest: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_digest)).decode()
