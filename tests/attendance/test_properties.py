"""Properties of the small pure functions every check-in path relies on."""

from hypothesis import given
from hypothesis import strategies as st

from training_portal.attendance.services import PhoneError, card_code_from_scan, normalise_phone
from training_portal.attendance.sheets import fold
from training_portal.spreadsheets import FORMULA_TRIGGERS, csv_value


@given(st.text())
def test_no_csv_value_can_start_a_formula(text):
    cell = csv_value(text)
    assert not cell.startswith(FORMULA_TRIGGERS) or cell.startswith("'")


@given(st.text(alphabet="0123456789 +-().០១២៣៤៥៦៧៨៩", max_size=20))
def test_a_normalised_phone_number_stays_the_same_when_normalised_again(raw):
    try:
        phone = normalise_phone(raw)
    except PhoneError:
        return
    assert phone is None or normalise_phone(phone) == phone


def test_cambodian_numbers_in_every_usual_spelling_are_one_number():
    spellings = ["012 345 678", "012-345-678", "+855 12 345 678", "0085512345678", "85512345678", "(012) 345678",
                 "១២ ៣៤៥ ៦៧៨", "12345678"]
    assert {normalise_phone(spelling) for spelling in spellings} == {"012345678"}
    assert normalise_phone("") is None and normalise_phone("  ") is None


def test_scanned_cards_give_the_code_whatever_the_scanner_adds():
    assert card_code_from_scan("https://portal.example/p/AbC_dEf-123456789012/") == "AbC_dEf-123456789012"
    assert card_code_from_scan("  AbC_dEf-123456789012\n") == "AbC_dEf-123456789012"
    assert card_code_from_scan("http://x/p/AbC_dEf-123456789012?utm=1") == "AbC_dEf-123456789012"


@given(st.text(alphabet=st.characters(categories=["Lu", "Ll", "Zs", "Nd"])))
def test_sheet_values_compare_without_surrounding_or_repeated_spaces(text):
    assert fold(text) == fold(f"  {text.replace(' ', '   ')}\t")
