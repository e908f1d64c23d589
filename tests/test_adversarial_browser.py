"""Adversarial suite, in a real browser (issue 13): script payloads in records, and writes from another site.

Needs /usr/bin/chromium (Debian package `chromium`); the tests skip without it, as test_app_browser does.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from test_app import build_review
from test_app_browser import browser, open_as, page, serve  # noqa: F401 (fixtures)

from slrflow.tables import read_table, write_table

PAYLOAD = '<img src=x onerror="window.__pwned = 1"><script>window.__pwned = 2</script>'


def test_script_payloads_in_a_record_are_shown_as_text(tmp_path: Path, shared_data: Path, serve, page) -> None:  # noqa: F811
    build_review(tmp_path, shared_data)
    path = tmp_path / "results" / "dedup" / "records.csv"
    rows = read_table(path)
    for row in rows:
        row["title"] = f"{row['title']} {PAYLOAD}"
        row["abstract"] = f"{PAYLOAD} {row['abstract']}"
        row["authors"] = f"{PAYLOAD}; {row['authors']}"
    write_table(path, rows, list(rows[0]))
    server = serve(tmp_path)
    open_as(page, server.url, "alice")
    page.wait_for_timeout(300)  # time for an injected handler to run, were there one
    assert page.evaluate("window.__pwned") is None
    assert "<img src=x" in page.locator("#record").inner_text()
    assert page.locator("#record img").count() == 0 and page.locator("#record script").count() == 0


class _Attacker(BaseHTTPRequestHandler):
    page = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, *args) -> None:
        pass


def test_another_site_cannot_write_a_decision_by_form_or_fetch(tmp_path: Path, shared_data: Path, serve, page) -> None:  # noqa: F811
    records = build_review(tmp_path, shared_data)
    server = serve(tmp_path)
    target = f"{server.url}api/decide"
    rid = records[0]["record_id"]
    body = f'{{"reviewer": "alice", "stage": "title_abstract", "record_id": "{rid}", "decision": "include"}}'
    _Attacker.page = f"""<!doctype html><html><body>
<form id="f" method="POST" action="{target}" enctype="text/plain" target="sink">
  <input name='{body[:-1]}, "x": "' value='"}}'>
</form><iframe name="sink"></iframe>
<script>
  window.results = [];
  fetch("{target}", {{method: "POST", mode: "no-cors", headers: {{"Content-Type": "text/plain"}}, body: '{body}'}})
    .then(() => results.push("no-cors sent"), e => results.push("no-cors " + e));
  fetch("{target}", {{method: "POST", headers: {{"Content-Type": "application/json"}}, body: '{body}'}})
    .then(r => results.push("cors " + r.status), e => results.push("cors blocked"));
  document.getElementById("f").submit();
</script></body></html>""".encode()
    attacker = ThreadingHTTPServer(("127.0.0.1", 0), _Attacker)
    threading.Thread(target=attacker.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{attacker.server_port}/")
        page.wait_for_function("window.results && window.results.length === 2")
        page.wait_for_timeout(500)  # the form's POST
    finally:
        attacker.shutdown()
    assert not (tmp_path / "screening" / "title_abstract" / "alice.csv").exists()
