"""Deduplication benchmark: slrflow against bib-dedupe on labelled sets, and slrflow at scale.

    .venv/bin/python benchmarks/dedup/run.py                 # both parts
    .venv/bin/python benchmarks/dedup/run.py --part compare  # labelled sets only
    .venv/bin/python benchmarks/dedup/run.py --part scale --sizes 10000 20000 50000 100000

compare: every set in ../shared/data/dedup/ (records.csv with dup_group_id labels), rows shuffled with --seed,
label columns removed, run through `slrflow dedup` and through bib-dedupe 0.11 (installed on first use into
benchmarks/dedup/.venv-bibdedupe), each as its own process whose wall time and peak resident memory are
measured. Scored at two levels: `report` (slrflow's clusters: copies of one report) and `study` (slrflow's
studies.csv: reports of one study linked); bib-dedupe has one level, scored the same at both. Which level a set's
labels follow is read from the labels themselves (label_level). Writes compare.csv.

scale: inputs of N records built from real records of ../shared/data (screening and dedup sets): distinct
base records plus perturbed copies (typos, case, missing DOI, author initials, page forms, abbreviated
journal). Times `slrflow import` of a generated RIS file and `slrflow dedup` of its output when the importer
exists, else dedup of a generated CSV alone. Writes scale.csv. Metrics are as defined in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import random
import re
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SHARED = Path(os.environ.get("SLRFLOW_SHARED", REPO.parent / "shared")) / "data"
WORK = HERE / "work"
BIBDEDUPE_VENV = HERE / ".venv-bibdedupe"
BIBDEDUPE_VERSION = "0.11.0"
FIELDS = ("record_id", "title", "abstract", "authors", "year", "journal", "doi", "volume", "number", "pages")
SLRFLOW = str(Path(sys.executable).parent / "slrflow")


# ---------------------------------------------------------------- measuring


def measure(command: Sequence[str], log: Path) -> tuple[float, float, int]:
    """Run a command; (wall seconds, peak RSS in MiB of the process, exit code). Output goes to `log`.
    The process's CPU seconds (user + system) are kept in LAST_CPU_SECONDS: on a shared machine they say what
    the work costs when the wall time says mostly how busy the machine was."""
    global LAST_CPU_SECONDS
    start = time.perf_counter()
    with open(log, "w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    LAST_CPU_SECONDS = usage.ru_utime + usage.ru_stime
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


LAST_CPU_SECONDS = float("nan")


def metrics(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Pairwise precision/recall/F1 and record-level sensitivity/specificity (README: Deduplication)."""

    def pairs(labels: Sequence[str]) -> set[tuple[int, int]]:
        groups: dict[str, list[int]] = defaultdict(list)
        for index, label in enumerate(labels):
            groups[label].append(index)
        return {pair for members in groups.values() for pair in itertools.combinations(members, 2)}

    true_pairs, found_pairs = pairs(truth), pairs(predicted)
    tp = len(true_pairs & found_pairs)
    precision = tp / len(found_pairs) if found_pairs else 1.0
    recall = tp / len(true_pairs) if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    clusters_of_group: dict[str, set[str]] = defaultdict(set)
    groups_of_cluster: dict[str, set[str]] = defaultdict(set)
    for t, p in zip(truth, predicted, strict=True):
        clusters_of_group[t].add(p)
        groups_of_cluster[p].add(t)
    unique = len(clusters_of_group)
    duplicates = len(truth) - unique
    fn = sum(len(c) - 1 for c in clusters_of_group.values())  # duplicates left in
    fp = sum(len(g) - 1 for g in groups_of_cluster.values())  # unique studies removed
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "sensitivity": (duplicates - fn) / duplicates if duplicates else 1.0,
        "specificity": (unique - fp) / unique if unique else 1.0,
        "false_pairs": len(found_pairs - true_pairs),
        "missed_pairs": len(true_pairs - found_pairs),
    }


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, rows: Sequence[dict], fields: Sequence[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(fields), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def table(rows: Sequence[dict], columns: Sequence[str]) -> str:
    def cell(column: str, value: object) -> str:
        if not isinstance(value, float):
            return str(value)
        # seconds and MiB to one decimal, scores (all in [0, 1]) to four
        return f"{value:.1f}" if column.endswith(("seconds", "mib")) else f"{value:.4f}"

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(c, row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------- compare


def ensure_bibdedupe() -> Path:
    python = BIBDEDUPE_VENV / "bin" / "python"
    if not python.exists():
        print(f"installing bib-dedupe {BIBDEDUPE_VERSION} into {BIBDEDUPE_VENV}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(BIBDEDUPE_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"bib-dedupe=={BIBDEDUPE_VERSION}"], check=True)
    return python


def compare(seed: int, with_bibdedupe: bool) -> list[dict]:
    python = ensure_bibdedupe() if with_bibdedupe else None
    results = []
    for folder in sorted(p for p in (SHARED / "dedup").iterdir() if (p / "records.csv").is_file()):
        rows = read_csv(folder / "records.csv")
        random.Random(seed).shuffle(rows)
        work = WORK / folder.name
        work.mkdir(parents=True, exist_ok=True)
        write_csv(work / "input.csv", rows, FIELDS)  # labels stay out of the tools' input
        truth = [row["dup_group_id"] for row in rows]
        level, evidence = label_level(rows)
        tools = {
            "slrflow": [
                SLRFLOW,
                "dedup",
                str(work / "input.csv"),
                "--output",
                str(work / "slrflow.csv"),
                "--studies",
                str(work / "slrflow-studies.csv"),
            ]
        }
        if python is not None:
            runner = str(HERE / "bibdedupe_runner.py")
            tools["bib-dedupe"] = [str(python), runner, str(work / "input.csv"), str(work / "bib-dedupe.csv")]
        for tool, command in tools.items():
            seconds, mib, code = measure(command, work / f"{tool}.log")
            if code != 0:
                raise SystemExit(f"{tool} failed on {folder.name}; see {work / f'{tool}.log'}")
            found = {row["record_id"]: row["cluster_id"] for row in read_csv(work / f"{tool}.csv")}
            level_of: dict[str, dict[str, str]] = {}
            if tool == "slrflow":
                level_of = levels(read_csv(work / "slrflow-studies.csv"))
            for scored in LEVELS:
                predicted = [found[row["record_id"]] for row in rows]
                if level_of:
                    predicted = [level_of[scored][cluster] for cluster in predicted]
                scores = metrics(truth, predicted)
                results.append(
                    {
                        "dataset": folder.name,
                        "labels": level,
                        "level": scored,
                        "tool": tool,
                        "records": len(rows),
                        **scores,
                        "seconds": seconds,
                        "peak_mib": mib,
                        "label_evidence": evidence,
                    }
                )
                print(
                    f"{folder.name:34} {tool:10} {scored:6} F1 {scores['f1']:.4f} precision {scores['precision']:.4f}",
                    file=sys.stderr,
                )
    return results


# report: copies of one report; notices: reports, with an erratum or retraction notice counted with its article (as
# some labelled sets do); study: every report of one study linked (studies.csv)
LEVELS = ("report", "notices", "study")


def levels(studies: Sequence[dict[str, str]]) -> dict[str, dict[str, str]]:
    """For each level, the group of each report (record_id of slrflow's studies.csv)."""
    linked_to = {row["record_id"]: row["linked_to"] for row in studies if row["relation"] in ("erratum", "retraction")}

    def article(record_id: str) -> str:
        seen = set()
        while record_id in linked_to and record_id not in seen:
            seen.add(record_id)
            record_id = linked_to[record_id]
        return record_id

    return {
        "report": {row["record_id"]: row["record_id"] for row in studies},
        "notices": {row["record_id"]: article(row["record_id"]) for row in studies},
        "study": {row["record_id"]: row["study_id"] for row in studies},
    }


def label_level(rows: Sequence[dict[str, str]]) -> tuple[str, str]:
    """Which level a set's labels follow, read from the labels: do they put a notice (erratum, retraction) in one
    group with the article it is titled after ('notices'), or apart from it ('report')? (No set here labels
    every report of a study together: their sources define a duplicate as one bibliographic record.)"""
    sys.path.insert(0, str(REPO / "workflow"))
    from slrflow.dedup.normalise import normalise_record

    norms = [normalise_record(row) for row in rows]
    groups_of_title: dict[str, set[str]] = defaultdict(set)
    for row, norm in zip(rows, norms, strict=True):
        if norm.title and not norm.markers:
            groups_of_title[norm.title].add(row["dup_group_id"])
    joined = apart = 0
    for row, norm in zip(rows, norms, strict=True):
        if norm.markers & {"erratum", "retraction", "notice"} and norm.title in groups_of_title:
            if row["dup_group_id"] in groups_of_title[norm.title]:
                joined += 1
            else:
                apart += 1
    evidence = f"{joined} notices labelled with their article, {apart} apart from it"
    if joined == apart == 0:
        return "report", "no notice titled after an article in the set: " + evidence
    return ("notices" if joined > apart else "report"), evidence


def goals(results: Sequence[dict]) -> str:
    """The goals per set, at the level its labels follow: precision >= 0.999 and F1 >= bib-dedupe's."""
    lines = []
    for dataset in sorted({r["dataset"] for r in results}):
        at = {r["tool"]: r for r in results if r["dataset"] == dataset and r["level"] == r["labels"]}
        ours, peer = at["slrflow"], at.get("bib-dedupe")
        ok = ours["precision"] >= 0.999 and (peer is None or ours["f1"] >= peer["f1"])
        versus = f" vs bib-dedupe {peer['f1']:.4f}" if peer else ""
        lines.append(
            f"{dataset} ({ours['labels']} level): precision {ours['precision']:.4f}, F1 {ours['f1']:.4f}{versus}: "
            + ("goal met" if ok else "GOAL MISSED")
        )
    return "\n".join(lines)


# ---------------------------------------------------------------- scale


def base_records() -> list[dict[str, str]]:
    """Distinct real records (by normalised title) from every screening and dedup set in ../shared/data."""
    seen: set[str] = set()
    pool = []
    for path in sorted([*SHARED.glob("benchmarks/*/records.csv"), *SHARED.glob("dedup/*/records.csv")]):
        for row in read_csv(path):
            key = re.sub(r"[^a-z0-9]", "", (row.get("title") or "").lower())
            if len(key) < 20 or key in seen:
                continue
            seen.add(key)
            pool.append({name: row.get(name, "") or "" for name in FIELDS})
    return pool


def perturb(record: dict[str, str], rng: random.Random) -> dict[str, str]:
    """A copy as another database might export it: a few of typo, case, missing DOI, initials, page form."""
    copy = dict(record)
    title = copy["title"]
    if rng.random() < 0.3 and len(title) > 20:
        i = rng.randrange(5, len(title) - 5)
        title = (
            title[:i] + title[i + 1 :] if rng.random() < 0.5 else title[:i] + title[i + 1] + title[i] + title[i + 2 :]
        )
    if rng.random() < 0.2:
        title = title.upper() if rng.random() < 0.5 else title.lower()
    if rng.random() < 0.2:
        title = title.rstrip(".") + "."
    copy["title"] = title
    if rng.random() < 0.4:
        copy["doi"] = ""
    elif copy["doi"] and rng.random() < 0.3:
        copy["doi"] = "https://doi.org/" + copy["doi"].upper()
    if rng.random() < 0.4 and copy["authors"]:
        names = re.split(r"\s*;\s*|\s+and\s+", copy["authors"])
        copy["authors"] = "; ".join(
            n.split(",")[0] + ", " + "".join(w[0] + "." for w in n.split(",", 1)[1].split() if w) if "," in n else n
            for n in names
        )
    match = re.fullmatch(r"(\d+)\s*-\s*(\d+)", copy["pages"])
    if match and rng.random() < 0.5:
        first, last = match.groups()
        common = 0
        while common < min(len(first), len(last)) - 1 and first[common] == last[common]:
            common += 1
        copy["pages"] = f"{first}-{last[common:]}"
    if rng.random() < 0.3:
        copy["abstract"] = ""
    if rng.random() < 0.2 and copy["journal"]:
        copy["journal"] = copy["journal"].upper()
    return copy


def build_scale_input(size: int, pool: list[dict[str, str]], seed: int) -> tuple[list[dict], list[str]]:
    rng = random.Random(seed)
    n_base = min(len(pool), int(size / 1.4))
    bases = rng.sample(pool, n_base)
    rows, truth = [], []
    for index, record in enumerate(bases):
        rows.append(dict(record))
        truth.append(str(index))
    while len(rows) < size:
        index = rng.randrange(n_base)
        rows.append(perturb(bases[index], rng))
        truth.append(str(index))
    order = list(range(len(rows)))
    rng.shuffle(order)
    rows = [rows[i] for i in order]
    truth = [truth[i] for i in order]
    for position, row in enumerate(rows):
        row["record_id"] = f"x{position:07d}"
    return rows, truth


def write_ris(path: Path, rows: Sequence[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for row in rows:
            out.write("TY  - JOUR\n")
            for tag, field in (("TI", "title"), ("PY", "year"), ("JO", "journal"), ("VL", "volume"), ("IS", "number")):
                if row[field]:
                    out.write(f"{tag}  - {row[field]}\n")
            for name in re.split(r"\s*;\s*|\s+and\s+", row["authors"]):
                if name.strip():
                    out.write(f"AU  - {name.strip()}\n")
            if row["pages"]:
                first, _, last = row["pages"].partition("-")
                out.write(f"SP  - {first}\n" + (f"EP  - {last}\n" if last else ""))
            for tag, field in (("DO", "doi"), ("AB", "abstract")):
                if row[field]:
                    out.write(f"{tag}  - {' '.join(row[field].split())}\n")
            out.write(f"ID  - {row['record_id']}\nER  - \n\n")


def importer_available() -> bool:
    return (REPO / "workflow" / "slrflow" / "importers").is_dir() and (
        REPO / "workflow" / "slrflow" / "cli" / "import_.py"
    ).is_file()


def scale(sizes: Sequence[int], seed: int, output: Path) -> list[dict]:
    pool = base_records()
    print(f"{len(pool)} distinct real records to build from", file=sys.stderr)
    with_import = importer_available()
    results = []
    for size in sizes:
        work = WORK / f"scale_{size}"
        work.mkdir(parents=True, exist_ok=True)
        rows, truth = build_scale_input(size, pool, seed)
        import_seconds = import_mib = import_cpu = float("nan")
        dedup_input = work / "input.csv"
        if with_import:
            write_ris(work / "input.ris", rows)
            dedup_input = work / "imported.csv"
            import_seconds, import_mib, code = measure(
                [SLRFLOW, "import", str(work / "input.ris"), "--output", str(dedup_input)], work / "import.log"
            )
            import_cpu = LAST_CPU_SECONDS
            if code != 0:
                print(f"slrflow import failed ({work / 'import.log'}); timing dedup alone", file=sys.stderr)
                with_import = False
                dedup_input = work / "input.csv"
        if not with_import:
            write_csv(dedup_input, rows, FIELDS)
        seconds, mib, code = measure(
            [SLRFLOW, "dedup", str(dedup_input), "--output", str(work / "clusters.csv")], work / "dedup.log"
        )
        dedup_cpu = LAST_CPU_SECONDS
        if code != 0:
            raise SystemExit(f"slrflow dedup failed at {size}; see {work / 'dedup.log'}")
        clusters = read_csv(work / "clusters.csv")
        if with_import:
            # imported record_ids are content hashes; source_position is the record's place in the RIS file
            scores = metrics(
                [truth[int(c["source_position"]) - 1] for c in clusters], [c["cluster_id"] for c in clusters]
            )
        else:
            scores = metrics(truth, [c["cluster_id"] for c in clusters])
        results.append(
            {
                "records": size,
                "import_seconds": import_seconds,
                "import_cpu_seconds": import_cpu,
                "import_peak_mib": import_mib,
                "dedup_seconds": seconds,
                "dedup_cpu_seconds": dedup_cpu,
                "dedup_peak_mib": mib,
                "precision": scores["precision"],
                "recall": scores["recall"],
                "f1": scores["f1"],
            }
        )
        print(
            f"scale {size}: import {import_seconds:.1f} s ({import_cpu:.1f} s CPU), dedup {seconds:.1f} s "
            f"({dedup_cpu:.1f} s CPU), {mib:.0f} MiB, F1 {scores['f1']:.4f}",
            file=sys.stderr,
        )
        write_csv(output, results, SCALE_COLUMNS)  # after each size: a long run shows its curve as it goes
    return results


SCALE_COLUMNS = (
    "records",
    "import_seconds",
    "import_cpu_seconds",
    "import_peak_mib",
    "dedup_seconds",
    "dedup_cpu_seconds",
    "dedup_peak_mib",
    "precision",
    "recall",
    "f1",
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=("compare", "scale", "all"), default="all")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000, 50_000, 100_000])
    parser.add_argument("--no-bibdedupe", action="store_true", help="run slrflow only")
    parser.add_argument("--scale-csv", type=Path, default=HERE / "scale.csv", help="where the scale part writes")
    args = parser.parse_args(argv)
    if not (SHARED / "dedup").is_dir():
        raise SystemExit(f"{SHARED / 'dedup'} is absent: the benchmark needs the shared data")
    if args.part in ("compare", "all"):
        results = compare(args.seed, not args.no_bibdedupe)
        columns = [
            "dataset",
            "labels",
            "level",
            "tool",
            "records",
            "precision",
            "recall",
            "f1",
            "sensitivity",
            "specificity",
            "seconds",
            "peak_mib",
        ]
        write_csv(HERE / "compare.csv", results, [*columns, "false_pairs", "missed_pairs", "label_evidence"])
        print(table(results, columns))
        for row in results:
            if row["tool"] == "slrflow" and row["level"] == "report":
                print(f"{row['dataset']}: labels follow the {row['labels']} level ({row['label_evidence']})")
        print(goals(results))
    if args.part in ("scale", "all"):
        results = scale(args.sizes, args.seed, args.scale_csv)
        print(table(results, SCALE_COLUMNS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
