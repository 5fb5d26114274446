"""The API's documentation page shows every operation of the OpenAPI document, under the app's CSP."""

from playwright.sync_api import expect


def test_the_api_documentation_lists_the_operations(live_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(f"{live_server}/api/v1/docs")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/sessions/{session_id}/attendances")).to_be_visible(
        timeout=15_000)
    assert page.locator(".opblock").count() >= 12
    assert refused == []
    context.close()
