"""The flow diagram: files written, byte-identical on a second run, and the template's variants."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from slrflow.prisma import count_prisma, read_inputs, results_paths
from slrflow.prisma.diagram import draw_flow_diagram
from slrflow.prisma.layout import flow_boxes, layout_diagram

PRISMA = Path(__file__).parent / "fixtures" / "prisma"
UPDATED = {"updated": {"previous_review": {"studies": 12, "reports": 15}}}


def counts(name: str, **changes):
    cfg = yaml.safe_load((PRISMA / name / "config.yaml").read_text(encoding="utf-8"))
    cfg.update(changes)
    return count_prisma(read_inputs(**results_paths(PRISMA / name / "results")), cfg).counts


@pytest.fixture(scope="module")
def drawn(tmp_path_factory) -> dict[str, list[Path]]:
    out = tmp_path_factory.mktemp("diagrams")
    return {
        "full": draw_flow_diagram(counts("full"), out / "a" / "flow_diagram"),
        "full_again": draw_flow_diagram(counts("full"), out / "b" / "flow_diagram"),
        "updated": draw_flow_diagram(
            counts("simple", previous_review={"studies": 12, "reports": 15}), out / "c" / "flow_diagram"
        ),
    }


def test_writes_svg_pdf_and_png(drawn) -> None:
    paths = drawn["full"]
    assert [p.suffix for p in paths] == [".svg", ".pdf", ".png"]
    assert all(p.stat().st_size > 1000 for p in paths)
    assert paths[0].read_bytes().lstrip().startswith(b"<?xml")
    assert paths[1].read_bytes().startswith(b"%PDF")
    assert paths[2].read_bytes().startswith(b"\x89PNG")


def test_output_is_byte_identical_on_a_second_run(drawn) -> None:
    for first, second in zip(drawn["full"], drawn["full_again"], strict=True):
        assert first.read_bytes() == second.read_bytes(), first.suffix
    svg = drawn["full"][0].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg
    assert b"CreationDate" not in drawn["full"][1].read_bytes()


def test_png_is_300_dpi_and_wider_with_more_columns(drawn) -> None:
    from matplotlib.image import imread

    full = imread(drawn["full"][2])
    updated = imread(drawn["updated"][2])
    simple = draw_flow_diagram(
        counts("simple"), drawn["full"][0].parent.parent / "d" / "flow_diagram", formats=("png",)
    )
    plain = imread(simple[0])
    # columns: databases (2) < updated review (previous + 2) < other methods (2 + 2)
    assert plain.shape[1] < updated.shape[1] < full.shape[1]
    assert plain.shape[1] > 6 * 300  # at least six inches at 300 dpi


def _keys(cells) -> set[str]:
    return {box.key for boxes in cells.values() for box in boxes}


def test_other_methods_column_only_when_config_declares_such_sources() -> None:
    with_other = _keys(flow_boxes(counts("full")))
    assert {"other_results", "other_sought_reports", "other_notretrieved_reports", "other_excluded"} <= with_other
    assert "other_removed" in with_other
    without = _keys(flow_boxes(counts("simple")))
    assert not {key for key in without if key.startswith("other")}


def test_updated_review_variant_has_the_previous_studies_column() -> None:
    cells = flow_boxes(counts("simple", previous_review={"studies": 12, "reports": 15}))
    previous = cells["id", "previous"][0]
    assert previous.key == "previous_studies"
    assert any("(n\u00a0=\u00a012)" in text for text, _ in previous.lines)
    total = cells["included", "previous"][0]
    assert total.lines[0][0] == "Total studies included in review"
    assert cells["included", "dbr"][0].lines[0][0] == "New studies included in review"
    new_review = flow_boxes(counts("simple"))
    assert new_review["included", "dbr"][0].lines[0][0] == "Studies included in review"
    assert ("id", "previous") not in new_review


def test_box_texts_carry_the_stopping_rule_split_and_awaiting_records() -> None:
    cells = flow_boxes(counts("full"))
    excluded, awaiting = cells["screened", "dbr_right"]
    texts = [text for text, _ in excluded.lines]
    assert texts == [
        "Records excluded (n\u00a0=\u00a06):",
        "by a human (n\u00a0=\u00a04)",
        "by the stopping rule (n\u00a0=\u00a02)",
    ]
    assert awaiting.dashed and awaiting.lines[0][0].startswith("Records awaiting screening")
    identified = [text for text, _ in cells["id", "dbr"][0].lines]
    assert "MEDLINE (n\u00a0=\u00a011)" in identified and "ClinicalTrials.gov (n\u00a0=\u00a02)" in identified


@pytest.mark.parametrize("variant", ["full", "updated", "simple"])
def test_layout_keeps_text_inside_boxes_and_boxes_apart(variant: str) -> None:
    from slrflow.prisma.layout import FONT_SIZE, INDENT, LINE, PAD_X, PAD_Y, _text_width

    c = counts("full" if variant == "full" else "simple", **UPDATED.get(variant, {}))
    layout = layout_diagram(c)
    for box in layout.boxes:
        assert len(box.wrapped) * LINE + 2 * PAD_Y <= box.h + 1e-9, box.key
        for text, indent in box.wrapped:
            assert _text_width(text, FONT_SIZE) + indent * INDENT <= box.w - 2 * PAD_X + 1e-9, text
        assert 0 < box.x < box.right < layout.width, box.key
        assert 0 < box.y < box.top < layout.height, box.key
    placed = layout.boxes
    for i, a in enumerate(placed):
        for b in placed[i + 1 :]:
            apart = a.right <= b.x or b.right <= a.x or a.top <= b.y or b.top <= a.y
            assert apart, (a.key, b.key)
