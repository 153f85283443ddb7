from datetime import date

import pytest

from handlers.personal import (InvalidIdNumber, birth_date_from_id, check_digit, id_number_problem, is_valid_id,
                               is_valid_phone, make_id_number, mask_card, mask_id, mask_name, mask_phone, sex_from_id)


def test_check_digit_follows_iso_7064_mod_11_2():
    # The worked example of GB 11643-1999 Annex A.
    assert check_digit("11010519491231002") == "X"
    assert is_valid_id("11010519491231002X")


def test_a_lower_case_x_is_accepted_as_check_character():
    assert is_valid_id("11010519491231002x")


@pytest.mark.parametrize("number, reason", [
    ("11010519491231002", "17 digits"),
    ("110105194912310021", "check digit"),
    ("110105194913310020", "birth date"),
    ("000000194912310020", "area code"),
])
def test_invalid_numbers_are_rejected_with_the_reason(number, reason):
    assert reason in id_number_problem(number)


def test_birth_date_and_sex_come_from_the_number():
    number = make_id_number("340722", date(1966, 3, 15), 17)
    assert birth_date_from_id(number) == date(1966, 3, 15)
    assert sex_from_id(number) == "male"
    assert sex_from_id(make_id_number("340722", date(1976, 2, 9), 28)) == "female"


def test_reading_an_invalid_number_raises():
    with pytest.raises(InvalidIdNumber):
        birth_date_from_id("340722196603150171")


def test_masks_keep_only_what_identifies_nobody():
    assert mask_id("340722196603151234") == "340722********1234"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳修明") == "欧阳**"
    assert mask_name("欧阳修") == "欧阳*"
    assert mask_name("王建国") == "王**"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_card("6217001234567890123") == "***************0123"


@pytest.mark.parametrize("phone, valid", [("13812341234", True), ("19912341234", True), ("12812341234", False),
                                          ("1381234123", False), ("0551-1234567", False), (None, False)])
def test_mobile_numbers_are_eleven_digits_starting_13_to_19(phone, valid):
    assert is_valid_phone(phone) is valid
