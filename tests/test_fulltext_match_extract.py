"""match-fulltext and extraction: matching by file name, DOI and title; fields with page and snippet."""

from __future__ import annotations

from pathlib import Path

import pytest

from slrflow.cli import main
from slrflow.errors import ConfigError
from slrflow.fulltext.characteristics import find_design, find_sample_size
from slrflow.fulltext.extraction import extract_record, parse_fields
from slrflow.fulltext.matching import match_records
from slrflow.tables import read_table, write_table

PDFS = Path(__file__).parent / "fixtures" / "pdf"


def _fulltext(title: str = "", doi: str = "", pages: list[str] | None = None, status: str = "ok") -> dict:
    return {"status": status, "pages": pages or [""], "metadata": {"title": title, "doi": doi}, "sections": []}


RECORDS = [
    {"record_id": "r1", "title": "Effects of exercise on heart failure outcomes", "doi": "10.1000/abc.1"},
    {"record_id": "r2", "title": "A qualitative study of nurses in rural clinics", "doi": ""},
    {"record_id": "r3", "title": "Something with no PDF at all in the folder", "doi": "10.1000/none"},
    {"record_id": "r4", "title": "Named after its identifier only", "doi": "10.1000/xyz.9"},
    {"record_id": "r5", "title": "Doi printed on the first page only", "doi": "10.1000/abc.12"},
]


def test_match_records_uses_each_method_and_lists_the_unmatched() -> None:
    pdfs = {
        "paper_a": _fulltext(title="Effects of Exercise on Heart-Failure Outcomes", doi="10.1000/ABC.1"),
        "smith2020": _fulltext(pages=["Journal X\nA Qualitative Study of Nurses in Rural Clinics\nJ. Smith"]),
        "r4_fulltext": _fulltext(),
        "10.1000_xyz.9_copy": _fulltext(),
        "printed": _fulltext(pages=["see https://doi.org/10.1000/abc.12 for this"]),
        "stray": _fulltext(title="An unrelated paper about something else", status="encrypted"),
    }
    rows = match_records(RECORDS, pdfs)
    by_record = {row["record_id"]: row for row in rows if row["record_id"]}
    assert (by_record["r1"]["pdf"], by_record["r1"]["method"]) == ("paper_a", "doi_metadata")
    assert (by_record["r2"]["pdf"], by_record["r2"]["method"]) == ("smith2020", "title")
    assert by_record["r2"]["score"] >= 90
    assert (by_record["r4"]["pdf"], by_record["r4"]["method"]) == ("r4_fulltext", "filename_id")
    assert (by_record["r5"]["pdf"], by_record["r5"]["method"]) == ("printed", "doi_text")
    assert by_record["r3"]["pdf"] == ""
    unmatched = [row["pdf"] for row in rows if not row["record_id"]]
    assert unmatched == ["10.1000_xyz.9_copy", "stray"]  # r4 took its file-name match first
    assert [row["pdf_status"] for row in rows if row["pdf"] == "stray"] == ["encrypted"]


def test_match_is_independent_of_input_order() -> None:
    pdfs = {"a": _fulltext(title=RECORDS[0]["title"]), "b": _fulltext(title=RECORDS[0]["title"])}
    assert match_records(RECORDS, pdfs) == match_records(list(reversed(RECORDS)), dict(reversed(pdfs.items())))


def test_a_doi_prefix_of_another_doi_is_not_a_match() -> None:
    rows = match_records([RECORDS[0]], {"p": _fulltext(pages=["doi: 10.1000/abc.15"])})
    assert rows[0]["record_id"] == "" and rows[1]["pdf"] == ""


def test_standard_characteristics_come_with_evidence() -> None:
    abstract = "Methods. Focus groups were conducted with fifteen participants (men, n = 12) in Ireland."
    design = find_design([(1, 3.0, abstract), (4, 1.0, "unlike a randomised controlled trial")])
    assert design is not None and design.value == "qualitative" and design.page == 1
    size = find_sample_size([(1, 3.0, abstract), (5, 1.0, "in total 300 patients were screened")])
    assert size is not None and size.value == "15" and "fifteen participants" in size.snippet


def test_declared_fields_search_their_section_and_skip_references() -> None:
    pages = [
        "Abstract\nWe followed 40 patients for 12 weeks.",
        "2 Methods\nFollow-up lasted 24 weeks.\nReferences\n8 weeks",
    ]
    sections = [
        {"name": "abstract", "page": 1, "offset": 0, "end_page": 2, "end_offset": 0},
        {"name": "methods", "page": 2, "offset": 0, "end_page": 2, "end_offset": 36},
        {"name": "references", "page": 2, "offset": 36, "end_page": 2, "end_offset": len(pages[1])},
    ]
    specs = parse_fields(
        [
            {"name": "follow_up", "patterns": [r"(?P<value>\d+) weeks"], "section": "methods"},
            {"name": "anywhere", "patterns": [r"(\d+) weeks"]},
        ]
    )
    fields = extract_record({"pages": pages, "sections": sections, "metadata": {}}, specs)
    assert fields["follow_up"] == [{"value": "24", "page": 2, "snippet": "2 Methods Follow-up lasted 24 weeks."}]
    assert [v["value"] for v in fields["anywhere"]] == ["12", "24"]
    assert fields["sample_size"][0]["value"] == "40"


@pytest.mark.parametrize(
    "items, message",
    [
        ([{"keywords": ["x"]}], "needs a name"),
        ([{"name": "a"}], "keywords or patterns"),
        ([{"name": "a", "patterns": ["("]}], "not a valid regex"),
        ([{"name": "a", "keywords": ["x"], "section": "appendix"}], "unknown section"),
        ([{"name": "design", "keywords": ["x"]}], "already used"),
    ],
)
def test_bad_field_declarations_say_what_is_wrong(items, message) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_fields(items)


def test_fulltext_match_and_extraction_commands_end_to_end(tmp_path: Path) -> None:
    pdf_dir = tmp_path / "pdf"
    for name in ("jabref__Bogner2019", "jabref__encrypted"):
        assert main(["fulltext", str(PDFS / f"{name}.pdf"), "--output", str(pdf_dir / f"{name}.json")]) == 0
    included = tmp_path / "included.csv"
    write_table(
        included,
        [
            {
                "record_id": "rbog",
                "title": "On the impact of service-oriented patterns on software evolvability",
                "year": "2019",
            },
            {"record_id": "rmissing", "title": "A study that was never retrieved", "doi": "10.1/none"},
        ],
        ["record_id", "title", "authors", "year", "doi"],
    )
    matches = tmp_path / "matches.csv"
    assert main(["match-fulltext", "--records", str(included), "--pdfs", str(pdf_dir), "--output", str(matches)]) == 0
    rows = read_table(matches)
    assert [(r["record_id"], r["pdf"], r["method"]) for r in rows] == [
        ("rbog", "jabref__Bogner2019", "title"),
        ("", "jabref__encrypted", ""),
        ("rmissing", "", ""),
    ]
    fields = tmp_path / "fields.yaml"
    fields.write_text("fulltext:\n  fields:\n    - name: metric\n      keywords: [coupling, cohesion]\n", "utf-8")
    output, records_dir = tmp_path / "out" / "extraction.csv", tmp_path / "out" / "records"
    records_dir.mkdir(parents=True)
    (records_dir / "rgone.json").write_text("{}", "utf-8")  # a record no longer matched: must not survive
    (records_dir.parent / ".records.old.999").mkdir()  # left by a run killed while swapping the folders
    args = ["extraction", "--matches", str(matches), "--pdfs", str(pdf_dir), "--records", str(included)]
    args += ["--fields", str(fields), "--output", str(output), "--records-dir", str(records_dir)]
    assert main(args) == 0
    extracted = read_table(output)
    values = {(r["record_id"], r["field"]): r for r in extracted}
    assert values[("rbog", "sample_size")]["value"] == "69"
    assert values[("rbog", "design")]["value"] == "controlled experiment"
    assert values[("rbog", "metric")]["page"] and values[("rbog", "metric")]["snippet"]
    assert values[("rbog", "year")]["value"] == "2019"  # the record's year, printed on the first page
    assert values[("rmissing", "")]["status"] == "not_retrieved"
    assert sorted(path.name for path in records_dir.iterdir()) == ["rbog.json"]
    assert not [path for path in records_dir.parent.iterdir() if path.name.startswith(".")]  # no staging left
    first = output.read_bytes(), (records_dir / "rbog.json").read_bytes()
    assert main(args) == 0
    assert (output.read_bytes(), (records_dir / "rbog.json").read_bytes()) == first


def test_commands_fail_with_a_message_on_missing_or_wrong_inputs(tmp_path: Path, capsys) -> None:
    out = tmp_path / "m.csv"
    assert (
        main(["match-fulltext", "--records", str(tmp_path / "absent.csv"), "--pdfs", str(tmp_path), "-o", str(out)])
        == 2
    )
    assert "absent.csv" in capsys.readouterr().err
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("id,name\n1,x\n", encoding="utf-8")
    args = ["extraction", "--matches", str(wrong), "--pdfs", str(tmp_path), "--output", str(tmp_path / "e.csv")]
    assert main([*args, "--records-dir", str(tmp_path / "records")]) == 2
    assert "missing columns" in capsys.readouterr().err
    assert not (tmp_path / "e.csv").exists() and not (tmp_path / "records").exists()
