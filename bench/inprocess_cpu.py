"""In-process CPU per request (Flask test client, no gunicorn) of the read scenarios: a figure
that a machine shared with other work disturbs far less than requests/s.

    python bench/inprocess_cpu.py bench/data/sqlite-10000.json          # this checkout's code
    PYTHONPATH=/path/to/other/checkout python bench/inprocess_cpu.py …  # another commit's, same data

The manifest is what `bench/run.py` (dataset_store) writes beside each generated dataset. Each
path is read once to warm the process, then every case is timed three times (best kept)."""
import json, sys, time
sys.path.insert(0, "bench")
from pathlib import Path
manifest = json.loads(Path(sys.argv[1]).read_text())
from api.app import create_app
from api.config import Config
import api
print("code from", api.__file__)
app = create_app(Config(database_url=manifest["database_url"], rate_limit_per_minute=10**9))
client = app.test_client()
h = {"Authorization": f"Bearer {manifest['token']}"}
cases = {
  "health": ["/healthz"],
  "GET a claim": [f"/v1/claims/{c}" for c in manifest["sample_claims"]][:200],
  "list corroborated p1": ["/v1/claims?status=corroborated"],
  "list by claimant": [f"/v1/claims?claimant={p}" for p in manifest["claimants"]][:50],
  "annotations": [f"/v1/sources/{s}/annotations" for s in manifest["sample_sources"]][:100],
  "GET a job": [f"/v1/jobs/{j}" for j in manifest.get("extras", {}).get("sample_jobs", [])],
}
cases = {name: paths for name, paths in cases.items() if paths}
for name, paths in cases.items():
    for p in paths: assert client.get(p, headers=h).status_code == 200
    best = None
    for _ in range(3):
        n = max(200, len(paths))
        t = time.process_time()
        for i in range(n): client.get(paths[i % len(paths)], headers=h)
        per = (time.process_time() - t) / n * 1e6
        best = per if best is None else min(best, per)
    print(f"{name:24s} {best:8.0f} µs CPU/request")
