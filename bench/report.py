"""The benchmark's targets, and its report as Markdown and JSON."""
import json
from pathlib import Path

MIN_RATIO = 0.40
MAX_P99_MS = 250
P99_CONNECTIONS = 32
BASELINE = "bare Flask (baseline)"
TARGETS = {"ratio": f"≥ {MIN_RATIO:.0%} of Flask", "p99": f"p99 < {MAX_P99_MS} ms @{P99_CONNECTIONS}",
           "statements": "same statements", "errors": "no errors"}


def judge(row: dict) -> dict[str, bool | None]:
    """Whether a page's row meets each target (None where a target does not apply)."""
    if row["page"] == BASELINE:
        return dict.fromkeys(TARGETS)
    small, large = row["statements_1x"], row["statements_10x"]
    return {
        "ratio": row["ratio"] is not None and row["ratio"] >= MIN_RATIO,
        "p99": (row["p99_ms"] is not None and row["p99_ms"] < MAX_P99_MS)
        if row["connections"] == P99_CONNECTIONS else None,
        "statements": small is not None and small == large,
        "errors": row["errors"] == 0,
    }


def missed(rows: list[dict]) -> list[str]:
    return [f"{row['page']} @{row['connections']}: {TARGETS[name]}"
            for row in rows for name, met in row["targets"].items() if met is False]


def _cell(value, pattern: str = "{}") -> str:
    return "—" if value is None else pattern.format(value)


def _mark(met: bool | None) -> str:
    return {True: "pass", False: "**FAIL**", None: "—"}[met]


def markdown(run: dict) -> str:
    header = ["page", "conn.", "req/s", "vs Flask", "median ms", "p99 ms", "errors", "statements 1×",
              "statements 10×", *TARGETS.values()]
    lines = [f"# make bench — {run['database']}", "", *run["notes"], "",
             "| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in run["rows"]:
        cells = [row["page"], str(row["connections"]), _cell(row["requests_per_second"], "{:.1f}"),
                 _cell(row["ratio"], "{:.0%}"), _cell(row["median_ms"], "{:.1f}"), _cell(row["p99_ms"], "{:.1f}"),
                 str(row["errors"]), _cell(row["statements_1x"]), _cell(row["statements_10x"]),
                 *(_mark(met) for met in row["targets"].values())]
        lines.append("| " + " | ".join(cells) + " |")
    failures = run["missed"]
    lines += ["", f"**{len(failures)} target(s) missed.**" if failures else "**Every target met.**"]
    return "\n".join(lines) + "\n"


def write(run: dict, folder: Path) -> str:
    """Writes report.md and report.json into the folder; returns the Markdown."""
    folder.mkdir(parents=True, exist_ok=True)
    text = markdown(run)
    (folder / "report.md").write_text(text, encoding="utf-8")
    (folder / "report.json").write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return text
