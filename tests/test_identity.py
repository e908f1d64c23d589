from slrflow.identity import first_author_surname, normalise_doi, normalise_title, record_id


def test_doi_forms_normalise_to_one():
    forms = [
        "10.1111/j.1475-6773.2006.00673.x",
        "https://doi.org/10.1111/J.1475-6773.2006.00673.X",
        "doi:10.1111/j.1475-6773.2006.00673.x.",
        "http://dx.doi.org/10.1111/j.1475-6773.2006.00673.x",
        " DOI 10.1111/j.1475-6773.2006.00673.x ",
    ]
    assert {normalise_doi(form) for form in forms} == {"10.1111/j.1475-6773.2006.00673.x"}


def test_non_doi_is_empty():
    assert normalise_doi("not available") == ""
    assert normalise_doi(None) == ""


def test_title_normalisation_ignores_case_markup_and_punctuation():
    expected = normalise_title("cash for care schemes a review")
    assert normalise_title("Cash-for-Care <i>Schemes</i>: a Review.") == expected
    assert normalise_title("Österle") == "osterle"


def test_first_author_surname_forms():
    assert first_author_surname(["Carr, Sarah"]) == "carr"
    assert first_author_surname(["Carr S"]) == "carr"
    assert first_author_surname(["Sarah Carr"]) == "carr"
    assert first_author_surname("Da Roit, B.; Le Bihan, B.") == "da roit"


def test_record_id_from_doi_ignores_other_fields():
    a = {"doi": "10.3280/SP2013-003004", "title": "Implementing personal budgets", "year": "2013"}
    b = {"doi": "https://doi.org/10.3280/sp2013-003004", "title": "IMPLEMENTING PERSONAL BUDGETS.", "year": "2014"}
    assert record_id(a) == record_id(b)
    assert record_id(a).startswith("r") and len(record_id(a)) == 16


def test_record_id_without_doi_uses_title_year_first_author():
    a = {"title": "Direct payments and social work practice", "year": "2007", "authors": ["Ellis, K."]}
    b = {"title": "Direct Payments and Social Work Practice.", "year": "2007", "authors": ["Kathryn Ellis"]}
    c = {"title": "Direct payments and social work practice", "year": "2008", "authors": ["Ellis, K."]}
    assert record_id(a) == record_id(b)
    assert record_id(a) != record_id(c)
