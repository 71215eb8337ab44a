"""The speed grid's machinery on tiny cells (benchmarks/grid.py --profile smoke):
every family runs, times every library it finds, checks correctness and
renders its tables. Speed itself is judged by running grid.py for real."""
import json
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
pytest.importorskip("sklearn")

import grid  # noqa: E402
import grid_cells  # noqa: E402
import grid_report  # noqa: E402


@pytest.mark.parametrize("family", sorted(grid_cells.FAMILIES))
def bench_grid_smoke_cells(family, bench_threads):
    fam = grid_cells.FAMILIES[family]
    for params in fam.cells("smoke"):
        row = grid.run_cell(fam, params, bench_threads, 1, 60.0, lambda msg: None)
        assert "fastml" in row["best"], row["errors"]
        assert "ratio" in row and row["ratio"] > 0
        assert row["correct"], row["note"]
        assert grid_report.cell_line(row).startswith(f"[{family}]")


def bench_grid_writes_json_and_tables(tmp_path):
    (tmp_path / "README.md").write_text("# title\n\ntext\n")
    args = grid.parse_args(["--profile", "smoke", "--only", "nb,enet", "--repeats", "1",
                            "--root", str(tmp_path)])
    assert grid.main(args) == 0
    result = json.loads((tmp_path / "benchmarks" / "results" / "grid_smoke.json").read_text())
    assert {r["family"] for r in result["cells"]} == {"nb", "enet"}
    readme = (tmp_path / "README.md").read_text()
    assert grid_report.START in readme and "| nb |" in readme and readme.startswith("# title")
    assert "## enet" in (tmp_path / "docs" / "speed.md").read_text()
    # a second run of one family replaces it and keeps the other
    args = grid.parse_args(["--profile", "smoke", "--only", "nb", "--repeats", "1",
                            "--root", str(tmp_path)])
    assert grid.main(args) == 0
    result = json.loads((tmp_path / "benchmarks" / "results" / "grid_smoke.json").read_text())
    assert sorted(r["family"] for r in result["cells"]) == ["enet", "enet", "nb"]
    assert (tmp_path / "README.md").read_text().count(grid_report.START) == 1


def bench_grid_rejects_unknown_family():
    with pytest.raises(SystemExit, match="unknown"):
        grid.families("knn,bogus")
