"""Export measurements, run in a subprocess of their own so that memory figures are the export's.

    python -m bench.export_probe DATABASE_URL speed YEAR     xlsx vs csv time over the same rows
    python -m bench.export_probe DATABASE_URL memory YEAR    peak RSS growth of the full xlsx export

Prints one JSON object.
"""

import csv
import json
import os
import resource
import sys
import tempfile
import threading
import time


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakSampler(threading.Thread):
    """Samples the resident set size every 20 ms (ru_maxrss would include the start-up peak)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak = rss_bytes()
        self.running = True

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_bytes())
            time.sleep(0.02)

    def stop(self) -> int:
        self.running = False
        self.join()
        return max(self.peak, rss_bytes())


def main() -> None:
    url, mode, year = sys.argv[1], sys.argv[2], int(sys.argv[3])
    from flask_babel import force_locale

    from training_portal import create_app
    from training_portal.reports import exports, services
    from training_portal.reports.metrics import Period, ReportFilters

    app = create_app({"DATABASE_URL": url})
    filters = ReportFilters(Period(year))
    with app.app_context(), force_locale("en"), tempfile.TemporaryDirectory() as folder:
        list(services.attendance_table(ReportFilters(Period(1999))).rows)  # warm imports and the connection
        if mode == "speed":
            began = time.perf_counter()
            table = services.attendance_table(filters)
            rows = list(table.rows)
            fetch = time.perf_counter() - began

            began = time.perf_counter()
            with open(os.path.join(folder, "plain.csv"), "w", newline="", encoding="utf-8") as output:
                writer = csv.writer(output)
                writer.writerow(table.headers)
                writer.writerows(rows)
            csv_seconds = time.perf_counter() - began

            began = time.perf_counter()
            table.rows = rows
            with open(os.path.join(folder, "export.xlsx"), "wb") as output:
                exports.write_table_xlsx(table, output)
            xlsx_seconds = time.perf_counter() - began

            began = time.perf_counter()
            with open(os.path.join(folder, "full.xlsx"), "wb") as output:
                exports.write_table_xlsx(services.attendance_table(filters), output)
            full_xlsx = time.perf_counter() - began
            began = time.perf_counter()
            with open(os.path.join(folder, "full.csv"), "wb") as output:
                exports.write_table_file(services.attendance_table(filters), "csv", output)
            full_csv = time.perf_counter() - began
            print(json.dumps({"rows": len(rows), "fetch_s": fetch, "csv_s": csv_seconds, "xlsx_s": xlsx_seconds,
                              "full_xlsx_s": full_xlsx, "full_csv_s": full_csv,
                              "xlsx_bytes": os.path.getsize(os.path.join(folder, "full.xlsx"))}))
        else:
            sampler = PeakSampler()
            before = rss_bytes()
            sampler.start()
            began = time.perf_counter()
            count = 0
            table = services.attendance_table(filters)
            source = table.rows

            def counted():
                nonlocal count
                for row in source:
                    count += 1
                    yield row

            table.rows = counted()
            with open(os.path.join(folder, "export.xlsx"), "wb") as output:
                exports.write_table_xlsx(table, output)
            seconds = time.perf_counter() - began
            peak = sampler.stop()
            print(json.dumps({"rows": count, "seconds": seconds, "rss_before_mb": before / 2**20,
                              "peak_growth_mb": (peak - before) / 2**20,
                              "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                              "xlsx_bytes": os.path.getsize(os.path.join(folder, "export.xlsx"))}))


if __name__ == "__main__":
    main()
