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
    from training_portal.reports.period import Period, ReportFilters
    from training_portal.reports.tables import attendance_table
    from training_portal.spreadsheets import csv_bytes, write_xlsx

    app = create_app({"DATABASE_URL": url})
    filters = ReportFilters(Period(year))
    with app.app_context(), force_locale("en"), tempfile.TemporaryDirectory() as folder:
        list(attendance_table(ReportFilters(Period(1999))).rows)  # warm imports and the connection
        if mode == "speed":
            began = time.perf_counter()
            table = attendance_table(filters)
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
                write_xlsx(output, table)
            xlsx_seconds = time.perf_counter() - began

            began = time.perf_counter()
            with open(os.path.join(folder, "full.xlsx"), "wb") as output:
                write_xlsx(output, attendance_table(filters))
            full_xlsx = time.perf_counter() - began
            began = time.perf_counter()
            with open(os.path.join(folder, "full.csv"), "wb") as output:
                output.writelines(csv_bytes(attendance_table(filters)))
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
            table = attendance_table(filters)
            source = table.rows

            def counted():
                nonlocal count
                for row in source:
                    count += 1
                    yield row

            table.rows = counted()
            with open(os.path.join(folder, "export.xlsx"), "wb") as output:
                write_xlsx(output, table)
            seconds = time.perf_counter() - began
            peak = sampler.stop()
            print(json.dumps({"rows": count, "seconds": seconds, "rss_before_mb": before / 2**20,
                              "peak_growth_mb": (peak - before) / 2**20,
                              "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                              "xlsx_bytes": os.path.getsize(os.path.join(folder, "export.xlsx"))}))


if __name__ == "__main__":
    main()
