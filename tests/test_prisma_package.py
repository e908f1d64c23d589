"""PRISMA.csv against the PRISMA2020 R package (1.1.4): its template, the texts it can draw, and the package itself.

On every machine: the CSV holds the package's own template (tests/fixtures/prisma2020, a copy of its
inst/extdata/PRISMA.csv) row for row and column for column; no label carries a character that breaks the
package's DOT; every line the package would draw fits its 3.5 in box at the app's 12 pt, measured as
../shared/r/README.md describes (Helvetica metrics). Where R and PRISMA2020 are installed, the real package
loads and draws each CSV (../shared/r/prisma2020_check.R) with no overflowing box.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, SHARED, run_snakemake

from slrflow.prisma import PrismaCounts, check_arithmetic, count_prisma, read_inputs, results_paths
from slrflow.prisma.package import FIT_PT, possible_lines, template_boxtext, template_cells, text_width_pt
from slrflow.prisma.template import COLUMNS, TEMPLATE, write_prisma_csv

PRISMA = FIXTURES / "prisma"
TEMPLATE_CSV = FIXTURES / "prisma2020" / "PRISMA2020_template.csv"
CHECK = SHARED / "r" / "prisma2020_check.R"

HOSTILE = PrismaCounts(
    database_results=1_234_567 + 12,
    database_specific_results=(('Women\'s Studies International; Wiley, "Online" \\ @@x', 1_234_567), ("X", 12)),
    register_results=3,
    register_specific_results=(("ClinicalTrials.gov", 3),),
    duplicates=1000,
    records_screened=12_345,
    records_excluded=12_000,
    records_excluded_human=11_000,
    records_excluded_stopping=1000,
    stopping_applied=True,
    records_awaiting=1_222_234 - 12_345,
    records_awaiting_unscreened=1_222_234 - 12_345,
    dbr_sought_reports=345,
    dbr_notretrieved_reports=5,
    dbr_awaiting=40,
    dbr_awaiting_retrieval=20,
    dbr_awaiting_decision=20,
    dbr_assessed=300,
    dbr_excluded=(
        ("1,000+ participants; not adults", 100),
        ("carers' views only", 50),
        ('a "quoted" reason', 50),
        ("participants were not adults using personal budgets or direct payments in adult social care", 90),
        ("WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW", 1),
    ),
    dbr_included_reports=9,
    new_reports=9,
    new_studies=7,
    total_reports=9,
    total_studies=7,
)


def _config(name: str, **changes) -> dict:
    data = yaml.safe_load((PRISMA / name / "config.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    return data


def _mid_screening(results: Path) -> Path:
    """The `simple` fixture early in screening: five reports decided, no full-text stage yet, no PDFs."""
    shutil.copytree(PRISMA / "simple" / "results", results)
    for path in ("screening/full_text.csv", "fulltext/matches.csv", "screening/stopping.json"):
        (results / path).unlink()
    shutil.rmtree(results / "fulltext" / "pdf")
    path = results / "screening" / "title_abstract.csv"
    table = _rows(path)
    for row in table[5:]:
        row.update(status="pending", decided_by="", n_decisions="0", first_decided_at="", reason="")
    _write(path, table)
    return results


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, table: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(table[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)


@pytest.fixture(scope="module")
def csvs(tmp_path_factory) -> dict[str, Path]:
    """PRISMA.csv for: both fixture reviews, an updated review, a review mid-screening, and hostile labels."""
    out = tmp_path_factory.mktemp("prisma_csv")
    cases = {
        "full": count_prisma(read_inputs(**results_paths(PRISMA / "full" / "results")), _config("full")).counts,
        "simple": count_prisma(read_inputs(**results_paths(PRISMA / "simple" / "results")), _config("simple")).counts,
        "updated": count_prisma(
            read_inputs(**results_paths(PRISMA / "simple" / "results")),
            _config("simple", previous_review={"studies": 12, "reports": 15}),
        ).counts,
        "mid_screening": count_prisma(
            read_inputs(**results_paths(_mid_screening(out / "mid" / "results"))), _config("simple")
        ).counts,
        "hostile": HOSTILE,
    }
    paths = {}
    for name, counts in cases.items():
        if name != "hostile":
            check_arithmetic(counts)
        paths[name] = out / f"{name}.csv"
        write_prisma_csv(paths[name], template_cells(counts), template_boxtext(counts))
    return paths


CASES = ["full", "simple", "updated", "mid_screening", "hostile"]


def test_template_module_is_the_packages_own_template() -> None:
    with open(TEMPLATE_CSV, encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert tuple(table[0]) == COLUMNS
    assert [tuple(row) for row in table[1:]] == list(TEMPLATE)


@pytest.mark.parametrize("case", CASES)
def test_csv_has_the_templates_rows_in_order_and_its_columns(csvs, case: str) -> None:
    template, written = _rows(TEMPLATE_CSV), _rows(csvs[case])
    with open(csvs[case], encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == list(COLUMNS)
    assert len(written) == len(template) == 34
    for want, got in zip(template, written, strict=True):
        for column in COLUMNS:
            if column not in {"n", "boxtext"}:
                assert got[column] == want[column], (want["data"], column)
        assert got["boxtext"].startswith(want["boxtext"]), want["data"]  # slrflow only adds a note
    cells = {row["data"]: row["n"] for row in written}
    assert cells["total_studies_ma"] == cells["total_reports_ma"] == "0"  # no meta-analysis box


@pytest.mark.parametrize("case", CASES)
def test_no_character_that_breaks_the_packages_drawing(csvs, case: str) -> None:
    for row in _rows(csvs[case]):
        for column in ("boxtext", "n", "tooltips"):
            # DiagrammeR turns ' into ", a " ends the DOT string, \ starts an escape, @@ / @_ / @^ are directives
            assert not re.search(r"['\"\\]|@[@_^]", row[column]), (row["data"], column, row[column])


def _package_pairs(cell: str) -> list[tuple[str, str]]:
    """PRISMA_parse_reasons_ (R/PRISMA_format.R): split at ';', label before the first ',', digits after it."""
    if not re.search(r"[^0-9,]", cell):
        return [("", re.sub(r"[^0-9]", "", cell))]
    out = []
    for part in re.split(r";(?: )?", cell):
        label = re.sub(r",.*$", "", part)
        n = re.sub(r"[^0-9.]", "", re.sub(r".*?,([ 0-9,]*)|.*()", r"\1", part).replace(",", ""))
        out.append((label, n))
    return out


def test_labels_reach_the_package_as_written() -> None:
    cells = template_cells(HOSTILE)
    text = {label: n for label, n in _package_pairs(_csv_cell(cells["dbr_excluded"]))}
    # commas and semicolons are written as look-alikes the package does not split at; nothing is dropped
    assert text["1\u201a000+ participants\u037e not adults"] == "100"
    assert text["carers\u2019 views only"] == "50"
    assert text["a \u201cquoted\u201d reason"] == "50"
    assert [n for _, n in _package_pairs(_csv_cell(cells["dbr_excluded"]))] == ["100", "50", "50", "90", "1"]
    database, _ = _package_pairs(_csv_cell(cells["database_specific_results"]))[0]
    assert database.startswith("Women\u2019s Studies International\u037e Wiley\u201a \u201cOnline\u201d")
    # counts.json and slrflow's own diagram keep the reviewer's text
    assert HOSTILE.as_dict()["dbr_excluded"][0] == {"reason": "1,000+ participants; not adults", "n": 100}


def _csv_cell(value) -> str:
    from slrflow.prisma.template import format_pairs

    return value if isinstance(value, str) else format_pairs(value) if isinstance(value, list) else str(value)


def test_a_label_too_wide_for_the_box_is_shortened_in_the_csv_only() -> None:
    labels = [label for label, _ in template_cells(HOSTILE)["dbr_excluded"]]
    assert labels[3] == HOSTILE.dbr_excluded[3][0]  # long, but every line the package can wrap it into fits
    assert labels[4].endswith("\u2026") and len(labels[4]) < 40  # one 40-letter word of W's cannot fit
    assert labels[0] == "1\u201a000+ participants\u037e not adults"  # fits: kept whole


def _n(value: str) -> str:
    return f"(n = {int(value):,})" if value.isdigit() else f"(n = {value})"


REMOVED = ("duplicates", "excluded_automatic", "excluded_other")
UNWRAPPED = (
    "records_screened",
    "records_excluded",
    "dbr_sought_reports",
    "dbr_notretrieved_reports",
    "dbr_assessed",
    "other_sought_reports",
    "other_notretrieved_reports",
    "other_assessed",
)


def _drawn_lines(csv_path: Path) -> dict[str, list[str]]:
    """Every line PRISMA_flowdiagram (R/PRISMA_flowdiagram.R, 1.1.4) could draw in each box, from the CSV alone.

    Wrapped texts (str_wrap) are bounded by possible_lines: every run of words that fits the wrap width.
    """
    rows = {row["data"]: row for row in _rows(csv_path)}

    def text(node: str) -> str:
        return rows[node]["boxtext"]

    def n(node: str) -> str:
        return _n(rows[node]["n"])

    def items(node: str) -> list[str]:
        lines = []
        for label, count in _package_pairs(rows[node]["n"]):
            lines += possible_lines(label, 35, f" {_n(count or 'NA')}")
        return lines

    def wrapped(value: str, width: int) -> list[str]:
        return possible_lines(value, width)

    boxes = {
        "database_results": [
            "Records identified from:",
            f"{text('database_results')} {n('database_results')}:",
            *items("database_specific_results"),
            f"{text('register_results')} {n('register_results')}",
        ],
        "duplicates": [
            "Records removed before screening:",
            *(line for node in REMOVED for line in wrapped(f"{text(node)} {n(node)}", 42)),
        ],
        "new_studies": [
            *wrapped(text("new_studies"), 40),
            n("new_studies"),
            *wrapped(text("new_reports"), 40),
            n("new_reports"),
        ],
        "total_studies": [
            *wrapped(f"{text('total_studies')} {n('total_studies')}", 33),
            *wrapped(f"{text('total_reports')} {n('total_reports')}", 33),
        ],
        "previous_studies": [
            *wrapped(f"{text('previous_studies')} {n('previous_studies')}", 40),
            *wrapped(text("previous_reports"), 40),
            n("previous_reports"),
        ],
    }
    if rows["register_specific_results"]["n"] != "Register 1, xxx; Register 2, xxx; Register 3, xxx":
        boxes["database_results"] += items("register_specific_results")
    for node in UNWRAPPED:
        boxes[node] = [*text(node).split("\n"), n(node)]  # not wrapped by the package
    for node in ("dbr_excluded", "other_excluded"):
        boxes[node] = [f"{text(node)}:", *items(node)]
    if rows["website_results"]["n"] != "NA":
        boxes["other_results"] = ["Records identified from:"] + [
            f"{text(node)} {n(node)}" for node in ("website_results", "organisation_results", "citations_results")
        ]
    return boxes


@pytest.mark.parametrize("case", CASES)
def test_every_line_fits_its_box_at_the_apps_font_size(csvs, case: str) -> None:
    for box, lines in _drawn_lines(csvs[case]).items():
        for line in lines:
            assert text_width_pt(line) <= FIT_PT, f"{box}: {line!r} is {text_width_pt(line):.0f} pt"


def test_the_width_measure_is_adobes_helvetica() -> None:
    # Adobe's Helvetica AFM: R 722, e 556, c 500, o 556, r 333, d 556, s 500, space 278: 8114/1000 em
    assert text_width_pt("Records screened") == pytest.approx(8.114 * 12)
    assert text_width_pt("W" * 10, 7) == pytest.approx(944 * 10 * 7 / 1000)


def test_registers_and_other_methods_appear_only_when_the_review_has_them(csvs) -> None:
    simple = {row["data"]: row["n"] for row in _rows(csvs["simple"])}
    # the app lists registers whenever this differs from the template's placeholder ("0" printed "(n = 0)")
    assert simple["register_specific_results"] == "Register 1, xxx; Register 2, xxx; Register 3, xxx"
    assert simple["register_results"] == "0"
    # NA in all three drops the other-methods column the app otherwise draws with zeros
    assert [simple[node] for node in ("website_results", "organisation_results", "citations_results")] == ["NA"] * 3
    full = {row["data"]: row["n"] for row in _rows(csvs["full"])}
    assert full["register_specific_results"] == "ClinicalTrials.gov, 2"
    assert (full["website_results"], full["organisation_results"], full["citations_results"]) == ("3", "0", "4")


def test_box_texts_are_short_and_say_what_is_pending(csvs) -> None:
    mid = {row["data"]: row for row in _rows(csvs["mid_screening"])}
    assert mid["records_screened"]["boxtext"] == "Records screened (8 more awaiting screening)"
    assert mid["records_screened"]["n"] == "5"
    assert mid["dbr_notretrieved_reports"]["n"] == "0"  # nothing was sought and failed yet
    assert mid["dbr_sought_reports"]["boxtext"] == "Reports sought for retrieval\n(5 awaiting retrieval)"
    template = [row["boxtext"] for row in _rows(TEMPLATE_CSV)]
    for case in CASES:
        for row, original in zip(_rows(csvs[case]), template, strict=True):
            if row["boxtext"] != original:  # slrflow's notes: short lines, at most three of them
                lines = row["boxtext"].split("\n")
                assert len(lines) <= 3 and all(len(line) <= 50 for line in lines), row["boxtext"]


def _r_check_available() -> str:
    if not CHECK.is_file():
        return f"{CHECK} is absent (the check runs where ../shared is, as in CI)"
    if shutil.which("Rscript") is None:
        return "Rscript is not installed (bash ../shared/r/install.sh installs R)"
    probe = subprocess.run(
        ["Rscript", "-e", 'quit(status = !requireNamespace("PRISMA2020", quietly = TRUE))'],
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0:
        return "the PRISMA2020 R package is not installed (see ../shared/r/README.md)"
    return ""


R_MISSING = _r_check_available()
needs_r = pytest.mark.skipif(bool(R_MISSING), reason=R_MISSING)


def _r_check(csv_path: Path, outdir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["Rscript", str(CHECK), str(csv_path), str(outdir)], capture_output=True, text=True, check=False
    )


@needs_r
@pytest.mark.parametrize("case", CASES)
def test_the_r_package_loads_and_draws_the_csv_whole(csvs, case: str, tmp_path: Path) -> None:
    result = _r_check(csvs[case], tmp_path)
    last = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert last == "PRISMA2020 1.1.4: loads, 0 overflowing boxes", last
    for name in ("prisma2020_static.png", "prisma2020_app.png", "prisma2020_static.svg", "prisma2020_app.svg"):
        assert (tmp_path / name).stat().st_size > 1000, name


@pytest.fixture(scope="module")
def example_reviews(repo, tmp_path_factory) -> dict[str, Path]:
    """The shipped example review as it is, and the same review mid-screening: most title/abstract decision lines
    removed, no full-text decisions and no resources/fulltext folder."""
    reviews = {}
    for name in ("example", "example_mid_screening"):
        review = tmp_path_factory.mktemp(name)
        for folder in ("config", "resources", "screening"):
            shutil.copytree(repo / folder, review / folder)
        if name == "example_mid_screening":
            shutil.rmtree(review / "resources" / "fulltext")
            shutil.rmtree(review / "screening" / "full_text")
            for log in (review / "screening" / "title_abstract").glob("*.csv"):
                lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
                log.write_text("".join(lines[:8]), encoding="utf-8")
        result = run_snakemake(review, "results/prisma/PRISMA.csv")
        assert result.returncode == 0, result.stderr[-4000:]
        reviews[name] = review
    return reviews


@pytest.mark.workflow
@pytest.mark.parametrize("name", ["example", "example_mid_screening"])
def test_example_review_csv_follows_the_template_and_fits(example_reviews, name: str) -> None:
    path = example_reviews[name] / "results" / "prisma" / "PRISMA.csv"
    assert [row["data"] for row in _rows(path)] == [row["data"] for row in _rows(TEMPLATE_CSV)]
    for box, lines in _drawn_lines(path).items():
        for line in lines:
            assert text_width_pt(line) <= FIT_PT, f"{box}: {line!r}"


@pytest.mark.workflow
def test_example_review_mid_screening_counts_only_what_happened(example_reviews) -> None:
    import json

    counts = json.loads((example_reviews["example_mid_screening"] / "results/prisma/counts.json").read_text())
    reports = counts["records_screened"] + counts["records_awaiting"]
    assert counts["records_awaiting"] > counts["records_screened"] > 0
    assert reports == counts["database_results"] - counts["duplicates"]
    # no fulltext folder: every report sent to full text awaits retrieval; none is "not retrieved"
    assert counts["dbr_notretrieved_reports"] == 0
    assert counts["dbr_awaiting_retrieval"] == counts["dbr_sought_reports"] > 0


@needs_r
@pytest.mark.workflow
@pytest.mark.parametrize("name", ["example", "example_mid_screening"])
def test_the_r_package_draws_the_example_review_whole(example_reviews, name: str, tmp_path: Path) -> None:
    result = _r_check(example_reviews[name] / "results" / "prisma" / "PRISMA.csv", tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "PRISMA2020 1.1.4: loads, 0 overflowing boxes"
