"""One Chinese-first text serves both languages: a request naming Chinese reads the Chinese part, one naming
English the English part, one naming neither the whole text."""
from __future__ import annotations

import pytest
from flask import Flask

from api.i18n import localise

CASES = [
    ("用户名或密码错误 (wrong username or password)", "用户名或密码错误", "wrong username or password"),
    ("身份证号码校验码不符，请核对号码 (check digit does not match)", "身份证号码校验码不符，请核对号码",
     "check digit does not match"),
    ("该参保人已有正在办理的退休一件事（业务编号 X），不能重复申请; this person already has a running case X",
     "该参保人已有正在办理的退休一件事（业务编号 X），不能重复申请", "this person already has a running case X"),
    ("无权查看完整个人信息：only a department that works on this case may read it", "无权查看完整个人信息",
     "only a department that works on this case may read it"),
    ("申请窗口尚未开启：法定退休时间为2027-06", "申请窗口尚未开启：法定退休时间为2027-06",
     "申请窗口尚未开启：法定退休时间为2027-06"),
]


@pytest.mark.parametrize("text,zh,en", CASES)
def test_a_bilingual_message_reads_in_the_language_the_browser_names(text, zh, en):
    app = Flask(__name__)
    with app.test_request_context(headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}):
        assert localise(text) == zh
    with app.test_request_context(headers={"Accept-Language": "en-US,en;q=0.9"}):
        assert localise(text) == en
    with app.test_request_context():
        assert localise(text) == text
