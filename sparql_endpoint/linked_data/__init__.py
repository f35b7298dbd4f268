"""The linked-data surfaces: entities (``/id``, ``/doc``), the ontology, the home page and
search, the audit pages and the dumps. :data:`BLUEPRINTS` are registered by the factory."""

from __future__ import annotations

from flask import Blueprint

from sparql_endpoint.linked_data.audit_history import blueprint as audit_history_blueprint
from sparql_endpoint.linked_data.audit_pages import blueprint as audit_blueprint
from sparql_endpoint.linked_data.dumps import blueprint as dumps_blueprint
from sparql_endpoint.linked_data.entities import blueprint as entities_blueprint
from sparql_endpoint.linked_data.home import blueprint as home_blueprint
from sparql_endpoint.linked_data.ontology_pages import blueprint as ontology_blueprint
from sparql_endpoint.linked_data.present import content_dir
from sparql_endpoint.linked_data.search import blueprint as search_blueprint

static_blueprint = Blueprint(
    "ld_static", __name__, static_folder="static", static_url_path="/static/ld"
)
#: ``{{ label|content_dir }}``: the direction of a text without a language (SVG has no auto).
static_blueprint.add_app_template_filter(content_dir, "content_dir")

#: Every blueprint of the linked-data surfaces.
BLUEPRINTS: tuple[Blueprint, ...] = (
    entities_blueprint,
    ontology_blueprint,
    home_blueprint,
    search_blueprint,
    audit_blueprint,
    audit_history_blueprint,
    dumps_blueprint,
    static_blueprint,
)
