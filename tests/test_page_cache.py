"""page_cache.kept_page: a page drawn once with placeholders, each request's values filled in."""

from training_portal import page_cache


def test_a_page_is_drawn_once_and_filled_in_with_each_requests_values_escaped(app):
    drawn = []

    def draw(holes):
        drawn.append(holes)
        return f"<p>{holes['name']}</p><input value=\"{holes['token']}\">"

    with app.test_request_context():
        first = page_cache.kept_page("k", {"name": "Sokha", "token": "abc"}, draw)
        second = page_cache.kept_page("k", {"name": "<b>Dara</b> & co", "token": 'x"y'}, draw)
    assert len(drawn) == 1 and "hole-" in drawn[0]["name"]
    assert first == '<p>Sokha</p><input value="abc">'
    assert second == '<p>&lt;b&gt;Dara&lt;/b&gt; &amp; co</p><input value="x&#34;y">'


def test_the_oldest_page_is_forgotten_beyond_the_limit(app, monkeypatch):
    monkeypatch.setattr(page_cache, "MAX_PAGES", 3)
    drawn = []

    def draw_for(key):
        return lambda holes: drawn.append(key) or f"page {key}"

    with app.test_request_context():
        for key in (1, 2, 3, 4, 2, 1):
            assert page_cache.kept_page(key, {}, draw_for(key)) == f"page {key}"
    assert drawn == [1, 2, 3, 4, 1]  # 2 was still kept; 1, the oldest, was forgotten when 4 came
