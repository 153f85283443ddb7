"""One Chinese-first text serves both languages: a request naming Chinese, or naming no language, reads the
Chinese part; one preferring English the English part; outside a request (the CLI) the whole text."""
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
def test_a_bilingual_message_reads_in_chinese_unless_the_request_prefers_english(text, zh, en):
    app = Flask(__name__)
    with app.test_request_context(headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}):
        assert localise(text) == zh
    with app.test_request_context(headers={"Accept-Language": "en-US,en;q=0.9"}):
        assert localise(text) == en
    with app.test_request_context():    # a script or curl names no language: Chinese
        assert localise(text) == zh
    assert localise(text) == text        # no request at all (the CLI's one-line errors): both, Chinese first


def test_an_api_error_without_accept_language_is_in_chinese_with_english_on_request():
    from api.errors import register_error_handlers
    from flask import abort

    app = Flask(__name__)
    register_error_handlers(app)

    @app.get("/bilingual")
    def bilingual():
        abort(401, description="用户名或密码错误 (wrong username or password)")

    @app.get("/english-only")
    def english_only():
        abort(403, description="this task belongs to another department's group")

    client = app.test_client()
    plain = client.get("/bilingual")
    assert plain.status_code == 401 and plain.json["message"] == "用户名或密码错误"
    assert set(plain.json) >= {"code", "status", "message"}
    assert client.get("/bilingual", headers={"Accept-Language": "en"}).json["message"] == "wrong username or password"
    only = client.get("/english-only").json["message"]
    assert only.startswith("无权") or only[0] >= "\u4e00", only        # a Chinese heading first …
    assert "another department's group" in only                           # … and the English detail kept
    assert client.get("/english-only", headers={"Accept-Language": "en"}).json["message"] == \
        "this task belongs to another department's group"
