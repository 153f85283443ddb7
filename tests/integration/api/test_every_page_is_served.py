"""Every page of the one front end is served at its own address from the same build, without signing in
(each page signs in itself; /progress is public), and says plainly when the front end is not built."""
import pytest

from api import UI_PAGES, STATIC

BUILT = (STATIC / "modeler" / "inbox.html").exists()


@pytest.mark.skipif(not BUILT, reason="the front end is not built (cd modeler && npm run build)")
@pytest.mark.parametrize("page", ["modeler", *UI_PAGES])
def test_each_page_is_one_html_file_of_the_shared_build(client, page):
    res = client.get(f"/{page}")
    assert res.status_code == 200 and res.mimetype == "text/html"
    assert b'lang="zh-CN"' in res.data, "Chinese first"
    assert b"/modeler/assets/" in res.data, "its code comes from the one build's assets"


def test_a_page_that_is_not_built_is_a_404_that_says_so(eng, monkeypatch, tmp_path):
    import api

    monkeypatch.setattr(api, "STATIC", tmp_path)
    app = api.create_app({"TESTING": True, "SECRET_KEY": "test-secret-key-0123456789-abcdefghijklmnop"}, engine=eng)
    res = app.test_client().get("/progress")
    assert res.status_code == 404 and b"not built" in res.data
