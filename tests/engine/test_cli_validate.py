"""`canbao validate id|credit-code`: stdout the normalised value and exit 0, or the reason and exit 1."""

from __future__ import annotations

import pytest

from canbao.cli.main import main
from canbao.engine.validate.creditcode import calc_credit_check_char


@pytest.mark.parametrize(
    "number,expected",
    [
        ("11010519491231002X", "11010519491231002X"),
        ("110105491231002", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),
    ],
)
def test_valid_numbers_print_normalised(
    capsys: pytest.CaptureFixture[str], number: str, expected: str
) -> None:
    assert main(["validate", "id", number]) == 0
    assert capsys.readouterr().out.strip() == expected


@pytest.mark.parametrize(
    "number,needle",
    [("110105194912310021", "校验码"), ("11010519490230002", "长度"), ("1101051949023000", "长度")],
)
def test_invalid_numbers_give_reason(capsys: pytest.CaptureFixture[str], number: str, needle: str) -> None:
    assert main(["validate", "id", number]) == 1
    out = capsys.readouterr()
    assert out.out == "" and needle in out.err


def test_impossible_date_is_rejected(capsys: pytest.CaptureFixture[str]) -> None:
    from canbao.engine.validate.idnumber import calc_check_char

    number = "11010519490230002" + calc_check_char("11010519490230002")
    assert main(["validate", "id", number]) == 1
    assert "日期" in capsys.readouterr().err


def test_credit_code(capsys: pytest.CaptureFixture[str]) -> None:
    body = "91320102MA1ABCDE1"
    good = body + calc_credit_check_char(body)
    assert main(["validate", "credit-code", good]) == 0
    assert capsys.readouterr().out.strip() == good
    wrong = body + ("0" if good[-1] != "0" else "1")
    assert main(["validate", "credit-code", wrong]) == 1
    assert "校验" in capsys.readouterr().err


def test_usage_error_exits_2() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["validate", "passport", "x"])
    assert exc.value.code == 2
