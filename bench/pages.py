"""The participant's pages in real Chromium under emulated Slow 3G.

For each page of the participant path (check-in, confirmation, pre-test,
post-test, result) in Khmer and English: bytes transferred (compressed, as
counted by the network layer, headers included), the number of requests
that went to the network (the Khmer font excluded: it is fetched once and
cached), and the first contentful paint.
"""

from dataclasses import dataclass

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400 * 1000 / 8,
           "uploadThroughput": 400 * 1000 / 8}
FONT_MARK = "noto-sans-khmer"


@dataclass
class PageFigures:
    language: str
    page: str
    bytes: int
    font_bytes: int
    requests: int
    paint_ms: float | None
    status: int


class NetworkLog:
    """Requests of the current page, from the DevTools protocol."""

    def __init__(self, cdp):
        self.entries = {}
        cdp.on("Network.requestWillBeSent", self.sent)
        cdp.on("Network.responseReceived", self.received)
        cdp.on("Network.loadingFinished", self.finished)
        cdp.on("Network.requestServedFromCache", self.cached)

    def reset(self):
        self.entries = {}

    def sent(self, event):
        self.entries.setdefault(event["requestId"], {"url": event["request"]["url"], "bytes": 0, "cached": False})

    def received(self, event):
        entry = self.entries.setdefault(event["requestId"], {"url": event["response"]["url"], "bytes": 0,
                                                               "cached": False})
        entry["status"] = event["response"]["status"]
        if event["response"].get("fromDiskCache") or event["response"].get("fromMemoryCache"):
            entry["cached"] = True

    def cached(self, event):
        if event["requestId"] in self.entries:
            self.entries[event["requestId"]]["cached"] = True

    def finished(self, event):
        if event["requestId"] in self.entries:
            self.entries[event["requestId"]]["bytes"] = event["encodedDataLength"]

    def figures(self) -> tuple[int, int, int]:
        """(bytes without the font, font bytes, network requests without the font)."""
        network = [e for e in self.entries.values() if not e["cached"] and not e["url"].startswith("data:")]
        font = [e for e in network if FONT_MARK in e["url"]]
        rest = [e for e in network if FONT_MARK not in e["url"]]
        return sum(e["bytes"] for e in rest), sum(e["bytes"] for e in font), len(rest)


def first_paint(page) -> float | None:
    value = page.evaluate("""() => {
        const entry = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint');
        return entry ? entry.startTime : null;
    }""")
    return value


def measure(base_url: str, code: str, event_id: int, language: str, group_id: int) -> list[PageFigures]:
    """Walk the participant path on a fresh phone and return the figures of each page."""
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2,
                                      is_mobile=True, has_touch=True)
        page = context.new_page()
        page.set_default_timeout(60_000)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        log = NetworkLog(cdp)

        def record(name, action):
            log.reset()
            response = action()
            page.wait_for_load_state("load")
            page.wait_for_timeout(300)  # late requests (fonts) are counted
            size, font, requests = log.figures()
            results.append(PageFigures(language, name, size, font, requests, first_paint(page),
                                       response.status if response else 0))

        record("check-in", lambda: page.goto(f"{base_url}/c/{code}", wait_until="commit"))

        def check_in():
            page.fill("input[name=name]", "Sokha")
            page.check("input[name=sex][value=female]")
            page.select_option("select[name=age_band]", "25_34")
            page.select_option("select[name=target_group_id]", str(group_id))
            page.check("input[name=consent]")
            with page.expect_navigation(wait_until="commit") as navigation:
                page.click("form.checkin-form [type=submit]")
            return navigation.value
        record("confirmation", check_in)
        for phase in ("pre", "post"):
            record(f"{phase}-test", lambda: page.goto(f"{base_url}/p/events/{event_id}/{phase}", wait_until="commit"))

            def answer():
                for group in page.locator("fieldset.quiz-question").all():
                    group.locator("input").first.check()
                with page.expect_navigation(wait_until="commit") as navigation:
                    page.click("form.quiz-form [type=submit]")
                return navigation.value
            log.reset()
            answer()
            page.wait_for_load_state("load")
        # After the post-test the browser was redirected to the result page; measure it on its own load.
        record("result", lambda: page.goto(f"{base_url}/p/events/{event_id}", wait_until="commit"))
        context.close()
        browser.close()
    return results
