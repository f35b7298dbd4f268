"""Pages read natively in Persian and Chinese: every page of the service rendered over the
built dataset in fa and zh-Hans shows no English interface word outside data values; the
headings and navigation are translated; other vocabularies' properties are labelled in the
reader's language; typed values are shown as people write them; inferred statements are
folded apart; a browser gets a 404 page in its language (real server), an RDF client the
same one line of text as before."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import requests

from graph_loader.vocab import XSD
from tests.conftest import service_client
from tests.linked_data_support import BASE
from tests.servers import HTTP_DEADLINE

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
LANGUAGES = ("fa", "zh-Hans")
#: Latin words a translated page may show outside data: names of things, not English.
NAMES = frozenset(
    {"lamcoop", "SPARQL", "JSON", "CSV", "SHA", "HTTP", "DCAT", "Turtle", "Quads", "gzip"}
    | {"GET", "POST", "IRI", "URI"}
)
#: Elements whose text is data or code: values (each in its own ``bdi``), IRIs, identifiers.
DATA = frozenset({"bdi", "code", "script", "style", "title", "svg", "textarea", "datalist"})
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


class Interface(HTMLParser):
    """The interface text of a page: text outside data elements, outside elements written
    left to right on purpose (identifiers) and outside other languages' own names."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []
        self.text: list[str] = []
        self.headings: list[str] = []
        self._heading: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        data = tag in DATA or "hreflang" in a or (a.get("dir") in ("ltr", "auto") and tag != "html")
        if tag in ("br", "input", "meta", "link", "img", "rect", "line", "path", "circle"):
            return
        self.stack.append(data or bool(self.stack and self.stack[-1]))
        if tag in ("h1", "h2", "h3", "th", "summary", "button") or (tag == "a" and not data):
            self._heading = []

    def handle_startendtag(self, tag, attrs):
        pass  # <rect/>, <br/>: no text, nothing to close

    def handle_endtag(self, tag):
        if tag in ("br", "input", "meta", "link", "img"):
            return
        if self.stack:
            self.stack.pop()
        if tag in ("h1", "h2", "h3", "th", "summary", "button", "a") and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.text.append(data)
            if self._heading is not None:
                self._heading.append(data)


def interface(html: str) -> Interface:
    parser = Interface()
    parser.feed(html)
    return parser


def english_words(html: str) -> list[str]:
    found = interface(html)
    return [w for t in found.text for w in LATIN_WORD.findall(t) if w not in NAMES]


@pytest.fixture(scope="module")
def client(dataset_reader):
    with service_client(dataset_reader) as opened:
        yield opened


@pytest.fixture(scope="module")
def pages(client) -> list[str]:
    """A page of every kind the service serves, as a browser asks for it."""
    listed = []
    kinds = client.get("/list/institutions?format=json").get_json()
    entities = [item["href"] for item in kinds["items"][:3]]
    for kind in ("consortia", "agreements", "concepts", "studies", "services", "resources"):
        items = client.get(f"/list/{kind}?format=json").get_json()["items"]
        entities += [item["href"] for item in items[:2]]
        listed.append(f"/list/{kind}")
    audited = client.get("/audit?format=json").get_json()["agreements"][0]["iri"]
    slug = audited.rsplit("/", 1)[-1]
    return [
        "/",
        *listed,
        "/list/institutions",
        "/search?q=calis",
        "/search?q=library&type=institutions",
        "/search?q=",
        "/audit",
        f"/audit/{slug}",
        "/dumps/",
        "/sparql",
        "/ontology",
        "/ontology.html",
        "/id/institution/test-museum",
        "/id/institution/no-such-thing",
        "/list/no-such-kind",
        "/search?page=many",
        *entities,
    ]


def fetch(client, path: str, lang: str):
    glue = "&" if "?" in path else "?"
    reply = client.get(f"{path}{glue}lang={lang}", headers={"Accept": BROWSER})
    if reply.status_code == 303:
        reply = client.get(reply.headers["Location"], headers={"Accept": BROWSER})
    return reply


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_english_interface_word_on_any_page(client, pages, lang):
    left = {}
    for path in pages:
        reply = fetch(client, path, lang)
        assert reply.mimetype == "text/html", path
        assert f'<html lang="{lang}" dir="{"rtl" if lang == "fa" else "ltr"}">' in reply.text
        words = english_words(reply.text)
        if words:
            left[path] = sorted(set(words))
    assert left == {}


def test_the_check_sees_english_left_on_a_page():
    page = (
        '<html lang="fa"><h2>برچسب‌ها</h2><h2>Sources</h2><p><bdi lang="en">Data value</bdi>'
        '<code>iri</code><span dir="ltr">seed-002</span> cited: <a href="?lang=en" '
        'hreflang="en">English</a></p></html>'
    )
    assert english_words(page) == ["Sources", "cited"]


HEADINGS = {
    "fa": {
        "nav": ["خانه", "ممیزی", "هستی‌شناسی", "بارگیری داده‌ها"],
        "entity": ["برچسب‌ها", "ویژگی‌ها", "گراف‌ها"],
    },
    "zh-Hans": {"nav": ["首页", "审核", "本体", "数据下载"], "entity": ["标签", "属性", "命名图"]},
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_headings_and_navigation_are_translated_on_a_real_server(dataset_server, lang):
    reply = requests.get(
        f"{dataset_server.url}/id/institution/calis?lang={lang}",
        headers={"Accept": BROWSER, "Accept-Language": "en"},
        timeout=HTTP_DEADLINE,
    )
    assert reply.status_code == 200 and reply.headers["Content-Language"] == lang
    seen = interface(reply.text).headings
    for word in HEADINGS[lang]["nav"] + HEADINGS[lang]["entity"]:
        assert word in seen
    assert "Labels" not in seen and "Home" not in seen
    home = requests.get(
        dataset_server.url + "/", headers={"Accept-Language": lang}, timeout=HTTP_DEADLINE
    )
    assert HEADINGS[lang]["nav"][0] in interface(home.text).headings
    assert english_words(home.text) == []


@pytest.mark.parametrize("lang", ("en", *LANGUAGES))
def test_a_browser_gets_a_404_page_in_its_language(dataset_server, lang):
    title = {"en": "Not found", "fa": "پیدا نشد", "zh-Hans": "未找到"}[lang]
    for path in ("/id/institution/no-such-library", "/no/such/page"):
        reply = requests.get(
            dataset_server.url + path,
            headers={"Accept": BROWSER, "Accept-Language": lang},
            timeout=HTTP_DEADLINE,
            allow_redirects=False,
        )
        assert reply.status_code == 404
        assert reply.headers["Content-Type"].startswith("text/html")
        assert reply.headers["Content-Language"] == lang
        assert f"<h1>{title}</h1>" in reply.text
        assert "Traceback" not in reply.text
    assert "/search?q=no-such-library" in reply.text or path == "/no/such/page"


@pytest.mark.parametrize("accept", ("text/turtle", "application/ld+json", "*/*", None))
def test_rdf_clients_keep_the_one_line_404(dataset_server, accept):
    reply = requests.get(
        dataset_server.url + "/id/institution/no-such-library",
        headers={"Accept": accept} if accept else {},
        timeout=HTTP_DEADLINE,
    )
    assert reply.status_code == 404
    assert reply.headers["Content-Type"].startswith("text/plain")
    assert reply.text.startswith("404 Not Found: nothing is known about <")
    assert reply.headers["Link"] == '</search?q=no-such-library>; rel="search"'


def typed_value(reader, datatype: str) -> tuple[str, str]:
    """An entity of the dataset with a value of ``datatype``, and that value."""
    query = (
        "SELECT ?s ?o ?base ?dt WHERE { ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?base)"
        " && isLiteral(?o) && DATATYPE(?o) = ?dt) } ORDER BY ?s LIMIT 1"
    )
    rows = list(
        reader.query(
            query,
            substitutions={
                ox.Variable("base"): ox.Literal(BASE + "id/"),
                ox.Variable("dt"): ox.NamedNode(XSD + datatype),
            },
            use_default_graph_as_union=True,
        )
    )
    assert rows, f"the dataset has a value of xsd:{datatype}"
    return rows[0]["s"].value, rows[0]["o"].value


@pytest.mark.parametrize(
    ("datatype", "lang", "shown"),
    [
        ("gYear", "en", lambda v: v),
        ("gYear", "fa", lambda v: v.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))),
        ("date", "zh-Hans", lambda v: f"{int(v[:4])}年{int(v[5:7])}月{int(v[8:10])}日"),
    ],
)
def test_typed_values_are_shown_as_people_write_them(client, dataset_reader, datatype, lang, shown):
    iri, value = typed_value(dataset_reader, datatype)
    page = fetch(client, "/doc/" + quote(iri[len(BASE) + 3 :]) + ".html", lang).text
    assert f">{shown(value)}</bdi>" in page
    assert f'title="{value} (xsd:{datatype})"' in page  # the exact value is still there
    assert datatype not in "".join(interface(page).text)
    assert f'<small class="dt" dir="ltr">{datatype}</small>' not in page


def test_inferred_statements_are_folded_apart(client):
    page = fetch(client, "/doc/institution/calis.html", "en").text
    stated, _, folded = page.partition('<details class="inferred" id="inferred">')
    assert folded, "the page has a folded section of inferred statements"
    assert re.search(r"<summary>\d+ inferred statements</summary>", folded)
    assert "/graph/inferred" in folded.partition("</details>")[0]
    assert "/graph/inferred" not in stated  # stated rows come from the sources' graphs
    sub = 'title="http://www.w3.org/ns/org#hasSubOrganization"'
    assert sub not in stated  # org:hasSubOrganization is inferred from org:hasUnit
    assert sub in folded.partition("</details>")[0]
    assert 'href="/ontology#Institution"' in stated.partition("</p>")[0]  # stated types on top
    assert "ns/org#Organization" not in stated.partition("</p>")[0]  # inferred ones folded


@pytest.mark.parametrize("lang", LANGUAGES)
def test_other_vocabularies_properties_are_labelled_in_the_readers_language(client, pages, lang):
    unlabelled = set()
    for path in pages:
        if not path.startswith(("/id/", "/doc/")) or "no-such" in path:
            continue
        page = fetch(client, path, lang).text
        for iri, tag in re.findall(
            r'<th scope="row"[^>]*><a[^>]*title="([^"]+)"><bdi(?: lang="([^"]*)")?', page
        ):
            if tag != lang:
                unlabelled.add(iri)
    assert unlabelled == set()


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/id/institution/no-such-library", {"fa": "دانسته نیست", "zh-Hans": "没有关于"}),
        ("/list/institutions?size=0", {"fa": "باید عددی درست", "zh-Hans": "必须是 1 到"}),
        ("/list/no-such-kind", {"fa": "فهرستی به نام", "zh-Hans": "没有名为"}),
    ],
)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_servers_line_is_in_the_readers_language_on_a_real_server(
    dataset_server, path, said, lang
):
    reply = requests.get(
        dataset_server.url + path,
        headers={"Accept": BROWSER, "Accept-Language": lang},
        timeout=HTTP_DEADLINE,
        allow_redirects=False,
    )
    assert reply.status_code in (400, 404)
    line = reply.text.partition('<p class="said">')[2].partition("</p>")[0]
    assert said[lang] in line and '<bdi dir="ltr">' in line  # the values are isolates
    assert english_words(f"<p>{line}</p>") == []
    english = reply.text.partition('<p lang="en" dir="ltr">')[2]
    assert english.startswith("<code>")  # the server's English line stays, folded below
    plain = requests.get(
        dataset_server.url + path, headers={"Accept-Language": lang}, timeout=HTTP_DEADLINE
    )
    assert plain.headers["Content-Type"].startswith("text/plain")
    assert not re.search(r"[\u0600-\u06ff\u4e00-\u9fff]", plain.text)  # clients: English


def test_an_english_reader_sees_the_servers_line_once(client):
    reply = client.get("/list/no-such-kind?lang=en", headers={"Accept": BROWSER})
    assert reply.status_code == 404
    assert '<p class="said">' not in reply.text
    assert reply.text.count("no list &#39;no-such-kind&#39;") == 1
