from __future__ import annotations

from canbao.web.templatetags.canbao import code, codes


def test_codes_show_their_chinese_names() -> None:
    assert code(4, "outcome") == "4 需调查登记"
    assert code(None, "outcome") == "—"
    assert codes("NONLOCAL;SURVEY_CONFLICT", "flag").startswith("非本地户籍参保、")
    assert codes("", "flag") == "无"
