"""The figures of a run as a Markdown table with the targets, pass or miss."""

from . import run as targets
from .results import mark


def render(about: dict, figures: list, seconds: float, args) -> str:
    lines = [
        "Written by bench/run.py; see docs/performance.md for what each figure means.",
        "",
        f"Machine: {about['cpu']}, {about['cores']} cores, {about['memory_gb']:.0f} GB memory; {about['os']}; "
        f"Python {about['python']}, SQLite {about['sqlite']}, PostgreSQL {about['postgresql'] or 'not available'}. "
        f"Load average when the run began: {about['load']:.1f} (other work shares these cores, so absolute "
        "rates vary from run to run; the ratios are taken within one run).",
        "",
        f"Run took {seconds / 60:.1f} minutes{' (quick: a tenth of the data)' if args.quick else ''}; "
        f"{targets.CLIENTS} concurrent keep-alive clients; each flow measured for {args.seconds:.0f} s in all, in "
        f"{targets.ROUNDS} runs (each after 1 s of warm-up) interleaved with /healthz runs; a flow's ratio is the "
        "median of its runs' ratios to the mean of the /healthz runs either side (the range in brackets).",
        "",
        "### Near clients: flows per second against /healthz requests per second",
        "",
        "| database | server | flow | per second | ratio to /healthz (range of the runs) | p50 ms | p95 ms | p99 ms | errors | target |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for figure in figures:
        for label, results in figure["load"].items():
            for key, result in results.items():
                if key == "healthz":
                    rates = result.extra["rates"]
                    lines.append(f"| {figure['kind']} | {label} | healthz ({len(rates)} runs around the flows: "
                                 f"{min(rates):.0f}-{max(rates):.0f}/s) | {result.rate:.1f} | 1 | "
                                 f"{result.percentile(0.5):.0f} | {result.percentile(0.95):.0f} | "
                                 f"{result.percentile(0.99):.0f} | {result.errors} | baseline |")
                    continue
                ratio = targets.ratio(result)
                rounds = result.extra["ratios"]
                if key == "scan":
                    target = mark(ratio >= targets.TARGET_FLOW_RATIO and result.errors == 0) + " (0.06, no target set)"
                else:
                    ok = ratio >= targets.TARGET_FLOW_RATIO and result.errors == 0
                    ok = ok and result.percentile(0.99) < targets.TARGET_P99_MS
                    target = mark(ok) + " (>= 0.06, p99 < 150 ms)"
                lines.append(f"| {figure['kind']} | {label} | {key} | {result.rate:.1f} | {ratio:.3f} "
                             f"({min(rounds):.3f}-{max(rounds):.3f}) | "
                             f"{result.percentile(0.5):.0f} | {result.percentile(0.95):.0f} | "
                             f"{result.percentile(0.99):.0f} | {result.errors} | {target} |")
    lines += ["", "Rows after the load runs (every successful flow of every server configuration, warm-up included):", "",
              "| database | flow | rows | persons/attempts | successful flows | exactly one each |", "|---|---|---:|---:|---:|---|"]
    for figure in figures:
        for key, (rows, second, succeeded, ok) in figure["verify"].items():
            lines.append(f"| {figure['kind']} | {key} | {rows} | {second} | {succeeded} | {mark(ok)} |")

    lines += ["", "### Dashboard and exports", "",
              "| database | measurement | figure | target |", "|---|---|---|---|"]
    for figure in figures:
        kind = figure["kind"]
        dash = figure["dashboard"]
        lines.append(f"| {kind} | dashboard queries, year of {figure['rows']['large']:,} attendance rows "
                     f"(first / best of 3) | {dash['first']:.2f} s / {dash['best']:.2f} s | "
                     f"{mark(dash['first'] < targets.TARGET_DASHBOARD_S)} (< 1 s) |")
        downloads = figure["downloads"]
        page = downloads["dashboard_http"]
        lines.append(f"| {kind} | dashboard page over HTTP, same year | {page['total']:.2f} s | "
                     f"{mark(page['total'] < targets.TARGET_DASHBOARD_S)} (< 1 s) |")
        speed = figure["export_speed"]
        if "error" not in speed:
            ratio = speed["xlsx_s"] / speed["csv_s"]
            lines.append(f"| {kind} | {speed['rows']:,} attendance rows: xlsx {speed['xlsx_s']:.2f} s, csv (stdlib) "
                         f"{speed['csv_s']:.2f} s | {ratio:.1f}x | {mark(ratio <= targets.TARGET_XLSX_RATIO)} (<= 20x) |")
            lines.append(f"| {kind} | same rows from the database: query and formatting {speed['fetch_s']:.2f} s; "
                         f"whole export xlsx {speed['full_xlsx_s']:.2f} s, csv {speed['full_csv_s']:.2f} s | | |")
        else:
            lines.append(f"| {kind} | export speed | failed: {speed['error'][-200:]!r} | **miss** |")
        memory = figure["export_memory"]
        if "error" not in memory:
            lines.append(f"| {kind} | xlsx export of {memory['rows']:,} rows: peak memory growth (RSS) | "
                         f"{memory['peak_growth_mb']:.0f} MB in {memory['seconds']:.0f} s | "
                         f"{mark(memory['peak_growth_mb'] < targets.TARGET_EXPORT_MB)} (< 150 MB) |")
        else:
            lines.append(f"| {kind} | export memory | failed: {memory['error'][-200:]!r} | **miss** |")
        for key, timing in downloads.items():
            if key == "dashboard_http":
                continue
            file_format, year = key.split("_")
            rows = figure["rows"]["small" if year == "2023" else "large"]
            lines.append(f"| {kind} | download attendance.{file_format} of {rows:,} rows: first byte / whole "
                         f"(HTTP {timing['status']}, {timing['bytes'] / 2**20:.1f} MB) | "
                         f"{timing['first_byte']:.2f} s / {timing['total']:.1f} s | "
                         f"{mark(timing['first_byte'] < targets.TARGET_FIRST_BYTE_S)} (first byte < 1 s) |")

    pages = next((figure.get("pages") for figure in figures if figure.get("pages")), None)
    if pages:
        lines += ["", "### Participant pages in Chromium under Slow 3G (400 kbit/s, 400 ms latency)", "",
                  "Bytes as transferred (compressed, headers included), without the Khmer font; requests that went "
                  "to the network, the font excluded; first contentful paint from the start of the navigation.", "",
                  "| language | page | HTTP | KB | Khmer font KB | requests | first paint s | target |",
                  "|---|---|---:|---:|---:|---:|---:|---|"]
        for page in pages:
            paint = page.paint_ms / 1000 if page.paint_ms is not None else float("nan")
            ok = (page.bytes <= targets.TARGET_PAGE_KB * 1024 and page.requests <= targets.TARGET_PAGE_REQUESTS
                  and page.paint_ms is not None and paint < targets.TARGET_PAINT_S)
            lines.append(f"| {page.language} | {page.page} | {page.status} | {page.bytes / 1024:.1f} | "
                         f"{page.font_bytes / 1024:.1f} | {page.requests} | {paint:.2f} | {mark(ok)} |")
    lines.append("")
    return "\n".join(lines)
