"""What the reconciliation tests share: a store of a few institutions in three languages,
and validators of the W3C schemas (0.2 and the 1.0 draft) that resolve offline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import jsonschema
import pyoxigraph as ox
from referencing import Registry, Resource

from graph_loader import index
from graph_loader.settings import resolve_settings
from graph_loader.store import open_store
from sparql_endpoint.app import close_app, create_app

REPO_ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = REPO_ROOT.parent / "shared" / "conformance" / "reconciliation"
BASE = "https://w3id.org/lamcoop/"
INST = BASE + "id/institution/"
LAMC = "https://w3id.org/lamcoop/ontology#"
SEED = f"""@prefix lamc: <{LAMC}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix inst: <{INST}> .
inst:pku a lamc:AcademicLibrary ; rdfs:label "Peking University Library"@en ,
    "北京大学图书馆"@zh-Hans ; lamc:isil "CN-100871" ;
    owl:sameAs <http://www.wikidata.org/entity/Q7158> ; org:memberOf inst:calis ;
    schema:address [ schema:addressCountry "CN" ; schema:addressLocality "Beijing" ] .
inst:nlai a lamc:NationalLibrary ; rdfs:label "National Library and Archives of Iran"@en ,
    "سازمان اسناد و کتابخانهٔ ملی ایران"@fa ; lamc:isil "IR-NLAI" .
inst:calis a lamc:NationalConsortium ; rdfs:label "CALIS"@en .
inst:central-a a lamc:PublicLibrary ; rdfs:label "Central Library"@en ; lamc:isil "XX-1" .
inst:central-b a lamc:AcademicLibrary ; rdfs:label "Central Library"@en ; lamc:isil "XX-2" .
inst:museum a lamc:ArtMuseum ; rdfs:label "Central Art Museum"@en .
"""


def schema_validator(name: str, version: str = "0.2") -> jsonschema.protocols.Validator:
    """A validator of the schema ``name`` of ``version`` (0.2, 1.0-draft), its references
    resolved from ../shared."""
    resources = []
    for path in (SCHEMAS / version / "schemas").glob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        resources.append((doc["$id"], Resource.opaque(doc)))
    swagger = json.loads((SCHEMAS / "swagger-v2" / "schema.json").read_text(encoding="utf-8"))
    resources.append(("http://swagger.io/v2/schema.json", Resource.opaque(swagger)))
    registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMAS / version / "schemas" / f"{name}.json").read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    return cls(schema, registry=registry)


def valid(name: str, document: object, version: str = "0.2") -> object:
    """``document``, after checking that it validates against the schema."""
    errors = list(schema_validator(name, version).iter_errors(document))
    assert not errors, [e.message for e in errors]
    return document


def make_store(path: Path) -> Path:
    """A store at ``path`` holding the shipped ontology and :data:`SEED`, and its index."""
    store = open_store(path)
    ontology = (REPO_ROOT / "ontology" / "lamcoop.ttl").read_bytes()
    store.replace_graph(ontology, graph=BASE + "graph/ontology", format=ox.RdfFormat.TURTLE)
    store.replace_graph(SEED.encode(), graph=BASE + "graph/seed", format=ox.RdfFormat.TURTLE)
    index.rebuild(store, base_iri=BASE)  # what lamcoop serve and every write keep up to date
    store.close()
    return path


@contextmanager
def reconcile_client(store_dir: Path) -> Iterator:
    """A test client of the app over the store ``store_dir`` (made by :func:`make_store`)."""
    settings = resolve_settings(config_file=None, environ={}, overrides={"store": "unused"})
    store = open_store(store_dir, read_only=True)
    app = create_app(settings, store=store)
    try:
        yield app.test_client()
    finally:
        close_app(app)
        store.close()
