"""Issue 17: `storylens batch` on each engine against a plain `storylens ingest`, side by side.

For each size of the scale benchmark's corpus (bench_scale.py: real development articles, rewrites
and syndicated copies, some arriving before their original), in fresh processes:

- ``ingest``: ``storylens ingest corpus.jsonl --db plain.db`` (today's pipeline);
- ``local``: ``storylens batch corpus.jsonl --engine local --out local/`` then ``storylens import``;
- ``spark``: ``storylens batch corpus.jsonl --engine spark --master local[2] --out spark/``.

Reported: wall and CPU seconds and peak RSS (GNU time: the largest process, the JVM included),
articles per second, and the agreement checks: the imported store equals the plain one table by
table (time stamps aside; stories in id order), and the Spark tables equal the local ones.

    python benchmarks/bench_spark.py --sizes 1000 [--master local[2]]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from _util import md_table, progress, repo_path, write_json
from bench_scale import DEFAULT_DATA, corpus_file

DEFAULT_OUT = "benchmarks/out/spark"
STAMPS = {"added", "updated"}
DUMPED = ("articles", "sentences", "features", "signatures", "stories", "membership", "story_aliases", "settings")


def timed(cmd: list[str], log: Path) -> dict[str, float]:
    """Wall, CPU (user + system) and peak RSS of one command, by GNU time."""
    fmt = "%e %U %S %M"
    with log.open("w") as err:
        done = subprocess.run(["/usr/bin/time", "-f", fmt, "-o", str(log) + ".time", *cmd], stdout=err,
                              stderr=subprocess.STDOUT, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}); see {log}")
    wall, user, system, rss = Path(str(log) + ".time").read_text().split()[-4:]
    return {"wall": float(wall), "cpu": float(user) + float(system), "rss_mb": int(rss) / 1024}


def dump(db: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(db)
    out = {}
    for table in DUMPED:
        cols = [c[1] for c in con.execute(f"PRAGMA table_info({table})") if c[1] not in STAMPS]
        order = "id" if table == "stories" else "rowid"
        out[table] = con.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {order}").fetchall()
    con.close()
    return out


def tables(folder: Path) -> dict[str, list[dict[str, Any]]]:
    import pyarrow.parquet as pq

    out = {}
    for path in sorted(folder.glob("*.parquet")):
        rows = [{k: v for k, v in r.items() if k not in STAMPS} for r in pq.read_table(path).to_pylist()]
        out[path.stem] = sorted(rows, key=lambda r: r["id"]) if path.stem == "stories" else rows
    return out


def measure(n: int, corpus: Path, out: Path, master: str) -> dict[str, Any]:
    exe = str(Path(sys.executable).with_name("storylens"))
    work = out / f"n{n}"
    subprocess.run(["rm", "-rf", str(work)], check=True)
    work.mkdir(parents=True)
    runs = {}
    progress(f"{n}: ingest")
    runs["ingest"] = timed([exe, "ingest", str(corpus), "--db", str(work / "plain.db")], work / "ingest.log")
    progress(f"{n}: batch --engine local")
    runs["local"] = timed([exe, "batch", str(corpus), "--engine", "local", "--out", str(work / "local")],
                          work / "local.log")
    runs["import"] = timed([exe, "import", str(work / "local"), "--db", str(work / "imported.db")],
                           work / "import.log")
    progress(f"{n}: batch --engine spark --master {master}")
    runs["spark"] = timed([exe, "batch", str(corpus), "--engine", "spark", "--master", master, "--out",
                           str(work / "spark")], work / "spark.log")
    plain, imported = dump(work / "plain.db"), dump(work / "imported.db")
    local, spark = tables(work / "local"), tables(work / "spark")
    manifest = json.loads((work / "spark" / "manifest.json").read_text(encoding="utf-8"))
    return {"articles": n, "runs": runs,
            "import_equals_ingest": {t: imported[t] == plain[t] for t in plain},
            "spark_equals_local": {t: spark[t] == local[t] for t in local},
            "rows": manifest["tables"], "driver_embedded": manifest.get("driver_embedded"),
            "spark_duplicates": manifest.get("spark_duplicates"), "spark_seconds": manifest.get("seconds")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", nargs="?", default=str(repo_path(DEFAULT_DATA)))
    ap.add_argument("--sizes", default="1000")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--out", default=str(repo_path(DEFAULT_OUT)))
    # the scale benchmark's corpus recipe (its defaults)
    ap.add_argument("--distinct", type=float, default=0.15)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--min-words", type=int, default=50)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    cache: dict[str, Any] = {}
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        corpus, _ = corpus_file(out, Path(args.data), n, args, cache)
        results.append(measure(n, corpus, out, args.master))
        write_json(out / "results.json", results)
    rows = []
    for r in results:
        for name in ("ingest", "local", "import", "spark"):
            t = r["runs"][name]
            rows.append([r["articles"], name, f"{t['wall']:.1f}", f"{t['cpu']:.1f}", f"{t['rss_mb']:.0f}",
                         f"{r['articles'] / t['wall']:.0f}" if name != "import" else ""])
    text = [f"`python benchmarks/bench_spark.py {' '.join(sys.argv[1:])}`".replace("  ", " "), "",
            md_table(["articles", "run", "wall s", "CPU s", "peak RSS MB", "articles/s"], rows), ""]
    for r in results:
        text.append(f"{r['articles']}: import == ingest: {all(r['import_equals_ingest'].values())} "
                    f"{r['import_equals_ingest']}; spark == local: {all(r['spark_equals_local'].values())} "
                    f"{r['spark_equals_local']}; leads embedded on the driver: {r['driver_embedded']}; "
                    f"Spark's duplicate links {r['spark_duplicates']}; Spark engine stages (wall s) "
                    f"{r['spark_seconds']}; "
                    f"rows {r['rows']}")
    (out / "results.md").write_text("\n".join(text) + "\n", encoding="utf-8")
    print("\n".join(text))


if __name__ == "__main__":
    main()
