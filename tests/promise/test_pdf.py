import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pypdf import PdfReader

from portal.pdf import render_pdf
from tests.conftest import sign_in


def pdf_text(data: bytes) -> tuple[str, set[str]]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    fonts = set()
    for pdf_page in reader.pages:
        for font in (pdf_page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return text, fonts


@pytest.mark.parametrize("language, title, phrase", [
    ("en", "City-wide Service Promise", "Treat you fairly, with dignity and respect."),
    ("fr", "Engagement de service à l'échelle de la Ville", "Vous traiter équitablement, avec dignité et respect."),
])
def test_document_pdf_in_the_readers_language(client, factory, content, language, title, phrase):
    sign_in(client, factory.user(language=language))
    response = client.get("/promise/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f'filename="promise-2.0-{language}.pdf"' in response.headers["Content-Disposition"]
    text, fonts = pdf_text(response.data)
    flat = " ".join(text.split())
    assert title in flat and phrase in flat
    assert any("DejaVu" in font for font in fonts)


def test_every_document_has_a_pdf(client, factory, content):
    sign_in(client, factory.user(language="fr"))
    text, _fonts = pdf_text(client.get("/code-of-conduct/pdf").data)
    assert "Code de conduite des usagers des services" in " ".join(text.split())


class Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args):
        pass


def test_pdf_rendering_reads_no_local_file_and_no_network(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        html = (f'<html><head><link rel="stylesheet" href="{base}/style.css">'
                f'<style>@import url("{base}/import.css"); body {{ background: url("{base}/bg.png") }}</style>'
                f'</head><body><p>Visible text</p><img src="{base}/image.png"><img src="file://{secret}">'
                f'<object data="file://{secret}"></object><iframe src="file://{secret}"></iframe>'
                f'<img src="file:///etc/passwd"></body></html>')
        data = render_pdf(html)
    finally:
        server.shutdown()
    text, _fonts = pdf_text(data)
    assert "Visible text" in text
    assert "TOP-SECRET-MARKER" not in text
    assert Recorder.hits == []


def test_pdf_rendering_refuses_a_stylesheet_from_a_local_file(tmp_path):
    stylesheet = tmp_path / "leak.css"
    stylesheet.write_text('body::before { content: "STYLESHEET-WAS-READ" }')
    html = (f'<html><head><link rel="stylesheet" href="file://{stylesheet}">'
            f'<style>@import url("file://{stylesheet}");</style></head><body><p>Visible text</p></body></html>')
    text, _fonts = pdf_text(render_pdf(html))
    assert "Visible text" in text
    assert "STYLESHEET-WAS-READ" not in text


def test_document_pdfs_are_tagged_for_accessibility(client, factory, content):
    sign_in(client, factory.user(language="fr"))
    reader = PdfReader(io.BytesIO(client.get("/promise/pdf").data))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "fr"
    assert "Engagement de service" in reader.metadata.title
