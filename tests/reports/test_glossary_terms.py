"""One Khmer term for each figure: the glossary's, on the dashboard and in the workbooks alike."""

import re
from pathlib import Path

from training_portal.reports.labels import COUNTING_LABELS, HEADERS

from .helpers import open_workbook
from .test_exports import WORKBOOK_URL, download, small_year

GLOSSARY = Path(__file__).resolve().parents[2] / "docs" / "glossary.md"
# Glossary term -> key of the workbook's header.
FIGURES = {"individual attendance": "individual", "unique individuals": "unique_individuals", "other": "other"}
# Wordings that were used for these figures before the glossary settled them.
FORMER_WORDINGS = ["វត្តមានផ្ទាល់ខ្លួន", "ផ្សេងៗ"]


def glossary_terms() -> dict[str, str]:
    """English term -> Khmer term, from the glossary's tables."""
    rows = re.findall(r"^\| ([^|]+?) \| ([^|]+?) \|", GLOSSARY.read_text(encoding="utf-8"), re.MULTILINE)
    return {english: khmer for english, khmer in rows}


def test_the_workbook_headers_use_the_glossary_terms():
    terms = glossary_terms()
    for term, key in FIGURES.items():
        assert HEADERS[key][1] == terms[term], term
    assert COUNTING_LABELS["individual"][1] == terms["individual attendance"]


def test_the_dashboard_and_the_workbook_name_the_figures_alike_in_khmer(manager_client, manager, trainer,
                                                                        other_trainer):
    small_year(manager, trainer, other_trainer)
    terms = glossary_terms()
    workbook = open_workbook(download(manager_client, WORKBOOK_URL, {"language": "km"}).data)
    headers = [cell.value for cell in workbook.worksheets[0][1]]
    manager_client.set_cookie("lang", "km")
    page = manager_client.get("/reports?year=2015").get_data(as_text=True)

    for term in FIGURES:
        assert terms[term] in headers, term
        assert terms[term] in page, term
    assert f"{terms['other']}៖" in page  # "other: 2" under the participants
    for wording in FORMER_WORDINGS:
        assert wording not in page and wording not in headers
