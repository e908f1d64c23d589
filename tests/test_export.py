"""`slrflow export` and the rule under results/export/, read back by independent readers: rispy and slrflow's own
importer for RIS, bibtexparser for BibTeX, and the real ASReview (in its own venv) for the ASReview CSV."""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from conftest import REPO, run_snakemake
from hypothesis import example, given, settings
from hypothesis import strategies as st

from slrflow import export, importers
from slrflow.cli import main
from slrflow.tables import read_table, split_list

ASREVIEW_PYTHON = REPO / "benchmarks" / "ranker" / ".venv-asreview-2.2" / "bin" / "python"
TARGETS = ("results/export/included.ris", "results/export/included.bib", "results/export/included_asreview.csv")


@pytest.fixture(scope="module")
def review(tmp_path_factory) -> Path:
    """The example review, run by Snakemake up to the export rule."""
    review = tmp_path_factory.mktemp("export_review")
    for folder in ("config", "resources", "screening"):
        shutil.copytree(REPO / folder, review / folder)
    result = run_snakemake(review, *TARGETS)
    assert result.returncode == 0, result.stderr[-4000:]
    return review


@pytest.fixture(scope="module")
def everything(review, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("exports")
    paths = {}
    for name, suffix in (("ris", "ris"), ("bibtex", "bib"), ("asreview", "csv")):
        paths[name] = out / f"all.{suffix}"
        assert main(["export", "--format", name, "--output", str(paths[name]), "--directory", str(review)]) == 0
    return paths


def _expected(review: Path) -> list[dict[str, str]]:
    return sorted(read_table(review / "results/dedup/records.csv"), key=lambda r: r["record_id"])


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_rule_writes_the_included_studies(review) -> None:
    full_text = read_table(review / "results/screening/full_text.csv")
    included = {row["record_id"] for row in full_text if row["status"] == "include"}
    assert included, "the example review includes studies at full text"
    ris = importers.load(review / TARGETS[0])
    assert {r["record_id"] for r in ris.records} == included
    assert len(read_table(review / TARGETS[2])) == len(included)
    assert (review / TARGETS[1]).read_text().count("\n@") + 1 == len(included)


def test_ris_round_trip_through_rispy_and_slrflow(review, everything) -> None:
    import rispy

    expected = _expected(review)
    entries = rispy.load(everything["ris"])
    assert len(entries) == len(expected)
    for entry, record in zip(entries, expected, strict=True):
        assert entry["id"] == record["record_id"]
        assert entry["title"] == _one_line(record["title"])
        assert entry.get("authors", []) == split_list(record["authors"])
        assert entry.get("year", "") == record["year"]
        assert entry.get("doi", "") == record["doi"]
        assert entry.get("abstract", "") == _one_line(record["abstract"])
        assert entry["notes"][0].startswith("slrflow: ")
    again = importers.load(everything["ris"]).records
    assert not any(r["import_warnings"] for r in again)
    for record, original in zip(again, expected, strict=True):
        for name in ("title", "year", "doi", "abstract"):
            assert record[name] == _one_line(original[name]), name
        assert record["authors"] == split_list(original["authors"])
        # The content-derived id survives the round trip: re-importing the export finds the same studies.
        assert record["record_id"] == original["record_id"]


def test_bibtex_round_trip_through_bibtexparser(review, everything) -> None:
    import bibtexparser
    from bibtexparser.bparser import BibTexParser
    from bibtexparser.customization import convert_to_unicode

    parser = BibTexParser(common_strings=True, customization=convert_to_unicode)
    entries = bibtexparser.loads(everything["bibtex"].read_text(encoding="utf-8"), parser=parser).entries
    expected = _expected(review)
    assert [e["ID"] for e in entries] == [r["record_id"] for r in expected]
    for entry, record in zip(entries, expected, strict=True):
        assert entry["title"] == _one_line(record["title"])
        authors = [a.strip().strip("{}") for a in entry.get("author", "").split(" and ") if a.strip()]
        assert authors == split_list(record["authors"])
        assert entry.get("year", "") == record["year"]
        assert entry.get("doi", "") == record["doi"]
        assert entry.get("abstract", "") == _one_line(record["abstract"])
        assert entry["note"].startswith("slrflow: ")


def test_decisions_reasons_notes_and_sources_are_in_fields_clients_keep(review, everything) -> None:
    import rispy

    full_text = {row["record_id"]: row for row in read_table(review / "results/screening/full_text.csv")}
    excluded = next(rid for rid, row in full_text.items() if row["status"] == "exclude" and row["reason"])
    entry = next(e for e in rispy.load(everything["ris"]) if e["id"] == excluded)
    assert entry["label"] == "excluded" and "slrflow: excluded" in entry["keywords"]
    assert f"exclude: {full_text[excluded]['reason']} (full text)" in entry["notes"][0]
    assert any(note.startswith(("asha (", "ben (")) for note in entry["notes"][1:])
    assert entry["name_of_database"] and any(n.startswith("slrflow sources: ") for n in entry["notes"])


def test_status_filters_partition_the_review(review) -> None:
    counts = {status: len(export.load_review(review, status=status)) for status in export.STATUSES}
    assert counts["all"] == counts["included"] + counts["excluded"] + counts["pending"]
    assert min(counts.values()) > 0


def test_export_without_results_names_the_missing_table(tmp_path, capsys) -> None:
    assert main(["export", "--format", "ris", "--output", str(tmp_path / "x.ris"), "--directory", str(tmp_path)]) == 2
    assert "results/dedup/records.csv: not found" in capsys.readouterr().err


ASREVIEW_READ = """
import json, sys
from asreview.data.loader import load_dataset
store = load_dataset(sys.argv[1], dataset_id="slrflow")
frame = store.get_df()
labels = frame["included"].tolist()
print(json.dumps({"n": len(frame), "labels": [None if l != l or l is None else int(l) for l in labels],
                  "titles": frame["title"].tolist()}))
"""


@pytest.mark.skipif(
    not ASREVIEW_PYTHON.exists(),
    reason=f"ASReview is not installed in {ASREVIEW_PYTHON.parents[1]} (python benchmarks/ranker/run.py installs it)",
)
def test_real_asreview_reads_the_csv_with_its_labels(review, everything) -> None:
    done = subprocess.run(
        [str(ASREVIEW_PYTHON), "-c", ASREVIEW_READ, str(everything["asreview"])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    read = json.loads(done.stdout)
    title_abstract = {
        row["record_id"]: row["status"] for row in read_table(review / "results/screening/title_abstract.csv")
    }
    expected = [{"include": 1, "exclude": 0}.get(title_abstract.get(r["record_id"], "")) for r in _expected(review)]
    assert read["n"] == len(expected)
    assert read["labels"] == expected
    assert read["titles"] == [_one_line(r["title"]) for r in _expected(review)]
    print(f"ASReview read {read['n']} records: {expected.count(1)} labelled 1, {expected.count(0)} labelled 0")


def _fixture_records() -> list[export.ExportRecord]:
    from slrflow.records import as_table_row

    records = []
    for name in ("csv/citefmt___baseline.csv", "ris/citefmt___baseline_scopus.ris", "bibtex/colrev__wiley_bib.bib"):
        records += importers.load(REPO / "tests/fixtures/import" / name).records
    return [export.ExportRecord(as_table_row(r), "pending") for r in records]


def test_round_trips_on_real_exports_with_dois_and_abstracts(tmp_path) -> None:
    """The example review has few DOIs and abstracts; 100 Lens, 10 Scopus and the Wiley BibTeX records have."""
    import bibtexparser
    import rispy
    from bibtexparser.bparser import BibTexParser
    from bibtexparser.customization import convert_to_unicode

    entries = _fixture_records()
    assert sum(bool(e.record["doi"]) for e in entries) > 100 and sum(bool(e.record["abstract"]) for e in entries) > 100
    ris_path, bib_path = tmp_path / "x.ris", tmp_path / "x.bib"
    export.write(ris_path, entries, format="ris")
    export.write(bib_path, entries, format="bibtex")
    by_rispy = rispy.load(ris_path)
    by_slrflow = importers.load(ris_path).records
    parser = BibTexParser(common_strings=True, customization=convert_to_unicode)
    by_bibtexparser = bibtexparser.loads(bib_path.read_text(encoding="utf-8"), parser=parser).entries
    assert len(by_rispy) == len(by_slrflow) == len(by_bibtexparser) == len(entries)
    for entry, ris_entry, again, bib in zip(entries, by_rispy, by_slrflow, by_bibtexparser, strict=True):
        record = entry.record
        expected = {name: _one_line(record[name]) for name in ("title", "year", "doi", "abstract")}
        assert {name: ris_entry.get(name, "") for name in expected} == expected
        assert {name: again[name] for name in expected} == expected
        assert {name: bib.get(name, "") for name in expected} == expected
        authors = split_list(record["authors"])
        assert ris_entry.get("authors", []) == again["authors"] == authors
        assert [a.strip().strip("{}") for a in bib.get("author", "").split(" and ") if a.strip()] == authors


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="{}\\~^"), min_size=1, max_size=60
).filter(lambda text: text.strip())


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(_TEXT, _TEXT), min_size=1, max_size=5))
@example([("0", "\uf900")])  # a CJK compatibility ideograph: bibtexparser's reader returns its NFC form, U+8C48
def test_property_bibtex_and_ris_keep_any_title_and_abstract(pairs) -> None:
    """LaTeX specials (& % $ # _), quotes, '@' and any script survive both writers and their independent readers."""
    import bibtexparser
    import rispy
    from bibtexparser.bparser import BibTexParser
    from bibtexparser.customization import convert_to_unicode

    entries = [
        export.ExportRecord({"record_id": f"r{i:015x}", "title": title, "abstract": abstract}, "pending")
        for i, (title, abstract) in enumerate(pairs)
    ]
    parser = BibTexParser(common_strings=True, customization=convert_to_unicode)
    read = bibtexparser.loads(export.dumps(entries, format="bibtex"), parser=parser).entries
    # convert_to_unicode ends in unicodedata.normalize("NFC"): the file keeps the text as given (the RIS check
    # below reads it back unchanged), this reader gives its composed form.
    nfc = [(unicodedata.normalize("NFC", _one_line(t)), unicodedata.normalize("NFC", _one_line(a))) for t, a in pairs]
    assert [(e["title"], e["abstract"]) for e in read] == nfc
    read = rispy.loads(export.dumps(entries, format="ris"))
    assert [(e["title"], e["abstract"]) for e in read] == [(_one_line(t), _one_line(a)) for t, a in pairs]
