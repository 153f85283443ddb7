from decimal import Decimal

from handlers.pension_math import account_pension, basic_pension, to_fen, transitional_pension, weighted_index


def test_basic_pension_worked_example():
    # 7999 × (1 + 1.2) / 2 × 35 years × 1% = 3079.615 → 3079.62
    assert basic_pension(Decimal("7999"), Decimal("1.2"), 420) == Decimal("3079.62")


def test_basic_pension_rounds_half_up_not_to_even():
    # 7010 × 1.3 / 2 × 1 year × 1% = 45.565 exactly; banker's rounding would give 45.56
    assert basic_pension("7010", "0.3", 12) == Decimal("45.57")


def test_account_pension_divides_the_balance_by_the_divisor():
    assert account_pension("120000", "138.4") == Decimal("867.05")
    assert account_pension("139000", 139) == Decimal("1000.00")


def test_transitional_pension_worked_example():
    # 7999 × 1.2 × 20 deemed years × 1.3% = 2495.688 → 2495.69
    assert transitional_pension("7999", "1.2", 240, "0.013") == Decimal("2495.69")


def test_a_whole_pension_adds_its_three_parts():
    total = basic_pension("7999", "1.2", 420) + account_pension("120000", "138.4") + \
        transitional_pension("7999", "1.2", 240, "0.013")
    assert total == Decimal("6442.36")


def test_average_index_is_weighted_by_months():
    assert weighted_index([(120, Decimal("1.0")), (60, Decimal("1.6"))]) == Decimal("1.2")


def test_to_fen_rounds_half_up():
    assert to_fen(Decimal("2.345")) == Decimal("2.35")
    assert to_fen(Decimal("-2.345")) == Decimal("-2.35")
