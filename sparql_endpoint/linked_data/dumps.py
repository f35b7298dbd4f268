"""``/dumps/``: the files ``lamcoop dump`` (and the build) wrote, listed and served."""

from __future__ import annotations

import base64

from flask import Blueprint, Response, abort, jsonify, render_template, request, send_from_directory

from graph_loader.publish.dump import read_manifest
from sparql_endpoint.context import service
from sparql_endpoint.negotiation import PAGE_OFFERS, conditional, negotiate

blueprint = Blueprint("dumps", __name__, template_folder="templates")


@blueprint.get("/dumps/")
def listing() -> Response | str:
    """Every dump with its media type, size and SHA-256 (HTML, or JSON with ?format=json)."""
    files = read_manifest(service().settings)
    if negotiate(request, PAGE_OFFERS, what="the list of dumps") == "json":
        return jsonify([f.__dict__ for f in files])
    return render_template("ld/dumps.html", files=files, lang="en", dir="ltr")


@blueprint.get("/dumps/<name>")
def download(name: str) -> Response:
    """One dump file, by the name the manifest lists."""
    files = {f.name: f for f in read_manifest(service().settings)}
    if name not in files:
        abort(404, f"no dump named {name!r}; the list is at /dumps/")
    f = files[name]
    mimetype = "application/gzip" if f.compress else f.media_type
    response = send_from_directory(
        service().settings.dump_path, name, mimetype=mimetype, conditional=False, etag=False
    )
    response.headers["Digest"] = "sha-256=" + _b64(f.sha256)
    return conditional(request, response, etag=f.sha256, ranges=True)


def _b64(hex_digest: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_digest)).decode()
