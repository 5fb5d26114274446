"""The year's attendance download from a bench database, through the view, as a browser would fetch it.

    python -m bench.export_db [ROWS ...]      default: 100000 1000000 (a SQLite file in a temporary folder)

Fills one year per ROWS (bench/data.py), then, each in a process of its own, downloads
/reports/attendance.xlsx and .csv of that year: seconds to the first byte of the file, seconds in
all, peak growth of the resident memory (sampled every 20 ms), size. Then bench/export_probe.py's
figures: xlsx against csv over the first year's rows (the "at most 20 times" target) and the peak
memory of the last year's whole xlsx export. Prints one JSON object a line.
"""

import json
import os
import subprocess
import sys
import tempfile
import time


def fill(url: str, sizes: list[int]) -> str:
    from bench import data
    from training_portal import create_app
    from training_portal.extensions import db

    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        data.create_schema()
        data.prepare_flows(scan_people=10, quiz_people=10)
        for year, rows in enumerate(sizes, 2023):
            data.bulk_year(year, rows, seed=year)
        data.analyze()
        db.session.commit()
    return data.ADMIN_PASSWORD


def download(url: str, password: str, year: int, file_format: str) -> dict:
    from bench.data import ADMIN_EMAIL
    from bench.export_probe import PeakSampler, rss_bytes
    from training_portal import create_app

    app = create_app({"DATABASE_URL": url, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    client.post("/login", data={"email": ADMIN_EMAIL, "password": password})
    sampler = PeakSampler()
    before = rss_bytes()
    sampler.start()
    began = time.perf_counter()
    response = client.post(f"/reports/attendance.{file_format}?year={year}", data={"language": "en"},
                           buffered=False)
    first = None
    size = 0
    for chunk in response.response:
        if chunk and first is None:
            first = time.perf_counter() - began
        size += len(chunk)
    response.close()
    total = time.perf_counter() - began
    peak = sampler.stop()
    return {"format": file_format, "year": year, "status": response.status_code, "first_byte_s": round(first, 3),
            "total_s": round(total, 2), "peak_growth_mb": round((peak - before) / 2**20, 1), "bytes": size}


def main() -> None:
    if sys.argv[1:2] == ["download"]:
        url, password, year, file_format = sys.argv[2:6]
        print(json.dumps(download(url, password, int(year), file_format)))
        return
    sizes = [int(value) for value in sys.argv[1:]] or [100_000, 1_000_000]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        began = time.perf_counter()
        password = fill(url, sizes)
        print(json.dumps({"filled_s": round(time.perf_counter() - began), "rows": sizes}), flush=True)
        for year, rows in enumerate(sizes, 2023):
            for file_format in ("csv", "xlsx"):
                result = subprocess.run(
                    [sys.executable, "-m", "bench.export_db", "download", url, password, str(year), file_format],
                    capture_output=True, text=True, env={**os.environ, "PYTHONPATH": "."})
                line = result.stdout.strip() or result.stderr.strip().splitlines()[-1]
                print(json.dumps({"rows": rows, **json.loads(line)}) if result.stdout.strip() else line, flush=True)
        for mode, year in (("speed", 2023), ("memory", 2022 + len(sizes))):
            result = subprocess.run([sys.executable, "-m", "bench.export_probe", url, mode, str(year)],
                                    capture_output=True, text=True, env={**os.environ, "PYTHONPATH": "."})
            print(json.dumps({"probe": mode, **json.loads(result.stdout)}) if result.stdout.strip()
                  else result.stderr[-300:], flush=True)


if __name__ == "__main__":
    main()
