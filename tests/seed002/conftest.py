"""What the seed-002 checks share: the graph as the build loads it, the seed text, queries.

The expected figures and names below were read from the seed text itself; where ../shared is
present, each is also found in the text near the name of the consortium it belongs to.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph_loader.record import record_source, seed002
from graph_loader.record.writer import RecordWriter

BASE = "https://w3id.org/lamcoop/"
REPO = Path(__file__).resolve().parents[2]
PREFIXES = """
PREFIX lamc: <https://w3id.org/lamcoop/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
"""

#: slug -> (Chinese name in the graph, the name as the seed prints it, spaces removed)
CONSORTIA = {
    "calis": ("中国高等教育文献保障系统", "中国高等教育文献保障系统"),
    "nstl": ("国家科技图书文献中心", "国家科技图书文献中心"),
    "china-digital-library-alliance": ("中国数字图书馆联盟", "中国数字图书馆联盟"),
    "beijing-university-network-library": ("北京高校网络图书馆", "北京高校网络图书馆"),
    "tianjin-higher-education-digital-library": (
        "天津市高校数字化图书馆",
        "天津市高校数字化图书馆",
    ),
    "shanghai-university-network-library": ("上海高校网络图书馆", "上海高校网络图书馆"),
    "shanghai-education-network-library": ("上海教育网络图书馆", "上海教育网络罔书馆"),
    "guangdong-network-library": ("广东网络图书馆", "广东网络图书馆"),
    "jalis": ("江苏高等教育文献保障体系", "江苏高等教育文献保障体系(JALIS)"),
    "hebei-higher-education-digital-library-consortium": (
        "河北省高等学校数字图书馆联盟",
        "河北省高等学校数字图书馆联盟",
    ),
    "jiangxi-changbei-university-library-alliance": (
        "江西昌北高校图书馆联盟",
        "江西昌北高校图书馆联盟",
    ),
    "hunan-provincial-consortium": ("湖南省…", "北京高校网络图书馆、湖南省"),
    "henan-regional-university-library-alliance": (
        "河南省区域高校图书馆联盟",
        "河南省区域高校图书馆联盟",
    ),
    "yangtze-river-delta-library-alliance": ("长江三角洲图书馆联盟", "长江三角洲图书馆联盟"),
    "cerl": ("欧洲古籍图书馆联盟", "CERL(欧洲古籍图书馆联盟)"),
    "rluk": ("研究图书馆联盟", "RLUK(研究图书馆联盟)"),
    "cdnl": ("中华人民共和国图书馆联盟", "CDNL(中华人民共和国图书馆联盟)"),
}


@pytest.fixture(scope="module")
def writer() -> RecordWriter:
    return record_source("seed-002").write(BASE, REPO / "data")


@pytest.fixture(scope="module")
def graph(writer: RecordWriter) -> ox.Store:
    """The graph as the build loads it: its N-Triples in a real in-memory store."""
    store = ox.Store()
    store.load(writer.ntriples(), format=ox.RdfFormat.N_TRIPLES)
    return store


@pytest.fixture(scope="module")
def seed_text() -> str:
    """The seed with every whitespace removed (the extraction splits words and numbers)."""
    path = REPO.parent / "shared" / "seeds" / seed002.DOCUMENT
    if not path.is_file():
        pytest.skip(f"{path} is absent: figures are checked against the graph only")
    return re.sub(r"\s+", "", path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed(request) -> str | None:
    """The seed text where ../shared is present, else None (the graph is still checked)."""
    path = REPO.parent / "shared" / "seeds" / seed002.DOCUMENT
    if not path.is_file():
        return None
    return request.getfixturevalue("seed_text")


def select(store: ox.Store, query: str, **bound: ox.NamedNode) -> list[ox.QuerySolution]:
    """Run ``query`` with ``bound`` IRIs as values (each joins the projection, as Oxigraph asks)."""
    projected = query.replace("SELECT", "SELECT " + " ".join(f"?{k}" for k in bound), 1)
    subs = {ox.Variable(k): v for k, v in bound.items()}
    return list(store.query(PREFIXES + projected, substitutions=subs))


def inst(slug: str) -> ox.NamedNode:
    return ox.NamedNode(f"{BASE}id/institution/{slug}")


def near(text: str, anchor: str, printed: str, window: int) -> bool:
    """``printed`` occurs within ``window`` characters of an occurrence of ``anchor``."""
    flat = re.sub(r"\s+", "", printed)
    for match in re.finditer(re.escape(anchor), text):
        start = max(0, match.start() - window)
        if flat in text[start : match.end() + window]:
            return True
    return False
