"""Hydra task that runs one chunk of a sweep's design rows: ``python -m experiments.run -m ...``.

Started by ``python -m experiments.sweep run``, which passes ``design.file``, ``design.chunks``
and ``design.chunk=range(0,K)`` so that any Hydra launcher (basic, joblib, ray, submitit) spreads
the chunks over processes or machines. Each design row is one run with its own directory,
``SWEEP_DIR/runs/<run_id>/``, holding the files of the core run contract. A run whose directory
already holds a complete summary of the same config (same run key) is skipped, so rerunning an
interrupted sweep finishes it without redoing or losing anything.
"""

from __future__ import annotations

import copy
import logging
import sys
from pathlib import Path

import hydra
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from experiments.design import row_overrides
from model.config import to_run_config
from model.levers import ConfigError
from model.memory import reuse_freed_memory
from model.run import completed_run, simulate, write_outputs

RUNS_DIR = "runs"
BOOKKEEPING = ("point", "replicate", "seed", "run_id")


def run_rows(cfg: DictConfig) -> tuple[int, int]:
    """Run this job's chunk of design rows; return (runs done now, runs already complete)."""
    design_file = Path(cfg.design.file)
    design = pd.read_csv(design_file)
    rows = design.iloc[cfg.design.chunk :: cfg.design.chunks]
    keys = [c for c in design.columns if c not in BOOKKEEPING]
    runs_dir = design_file.parent / RUNS_DIR
    done = skipped = 0
    for _, row in rows.iterrows():
        node = copy.deepcopy(cfg)
        for key, value in row_overrides(row, keys).items():
            OmegaConf.update(node, key, value, merge=False)
        node.seed = int(row["seed"])
        run_cfg = to_run_config(node)
        out_dir = runs_dir / str(row["run_id"])
        if completed_run(run_cfg, out_dir) is not None:
            skipped += 1
            continue
        write_outputs(simulate(run_cfg), out_dir)
        done += 1
    return done, skipped


@hydra.main(config_path="../configs", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    logging.getLogger("MESA").setLevel(logging.WARNING)
    reuse_freed_memory()  # as the command line: big temporaries reuse freed memory
    try:
        done, skipped = run_rows(cfg)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    print(f"chunk {cfg.design.chunk}: {done} runs done, {skipped} already complete")


if __name__ == "__main__":
    main()
