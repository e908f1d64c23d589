"""Screenshots of the screening app (title/abstract and full text) on a small real review, for looking at.

.venv/bin/python benchmarks/app/screenshots.py [--out /tmp]   -> /tmp/app-title-abstract.png, app-full-text.png
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from review import build_review

from slrflow.app import Review, create_app

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("/tmp"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    root = Path(tempfile.mkdtemp(prefix="slrflow-app-"))
    records = build_review(root, ["cohen2006_adhd"], n=400, mode="dual")
    included = [r for r in records if r["label"] == "1"][:2]
    log = root / "screening/title_abstract/alice.csv"
    log.parent.mkdir(parents=True)
    lines = ["record_id,decision,reason,reviewer,timestamp,note"]
    for i, r in enumerate(included):
        lines.append(f"{r['record_id']},include,,alice,2026-11-23T09:0{i}:00+00:00,")
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # Dual screening: the study reaches full text once bob has included it too.
    (log.parent / "bob.csv").write_text(lines[0] + "\n" + lines[1].replace("alice", "bob") + "\n", encoding="utf-8")
    pdf_text = (root / "results/fulltext").mkdir(parents=True) or [
        "Methylphenidate in children with ADHD: a randomized, double-blind, placebo-controlled trial\n\n"
        "Abstract\nObjective: To compare osmotic-release methylphenidate with placebo in children aged 6 to 12 "
        "years with attention-deficit hyperactivity disorder.\nMethods: 312 children were randomly assigned ...",
        "Results\nTeacher-rated ADHD symptoms improved more with methylphenidate than with placebo (p < 0.001). "
        "Adverse events: headache, decreased appetite and insomnia were more frequent ...",
    ]
    (root / f"results/fulltext/{included[0]['record_id']}.json").write_text(
        json.dumps(
            {
                "status": "ok",
                "pdf": "resources/fulltext/wolraich2001.pdf",
                "pages": pdf_text,
                "fields": {
                    "study_design": {
                        "value": "randomized controlled trial",
                        "page": 1,
                        "snippet": "a randomized, double-blind, placebo-controlled trial",
                    },
                    "sample_size": {"value": "312", "page": 1, "snippet": "312 children were randomly assigned"},
                    "outcomes": {
                        "value": "teacher-rated ADHD symptoms; adverse events",
                        "page": 2,
                        "snippet": "Teacher-rated ADHD symptoms improved more",
                    },
                },
            }
        ),
        encoding="utf-8",
    )
    review = Review(root)
    server = make_server("127.0.0.1", 0, create_app(review), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"
    review.wait_for_model("alice")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 960})
        page.goto(url)
        page.locator("#picker").get_by_role("button", name="alice").click()
        page.wait_for_selector("#record h1")
        for key in ["e", "e", "i", "e", "m", "e", "e", "e"]:
            before = page.locator("#record").get_attribute("data-record-id")
            page.keyboard.press(key)
            page.wait_for_function(f"document.querySelector('#record').dataset.recordId !== '{before}'")
        review.wait_for_model("alice")
        page.reload()
        page.wait_for_selector("#record h1")
        page.wait_for_timeout(300)
        page.screenshot(path=str(args.out / "app-title-abstract.png"))
        page.get_by_role("button", name="Full text").click()
        page.wait_for_selector("table.fields")
        page.keyboard.press("3")
        page.wait_for_timeout(300)
        page.screenshot(path=str(args.out / "app-full-text.png"))
        page.screenshot(path=str(args.out / "app-full-text-page.png"), full_page=True)
        browser.close()
    server.shutdown()
    review.close()
    print(f"screenshots in {args.out}/app-*.png (review in {root})")


if __name__ == "__main__":
    main()
