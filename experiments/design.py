"""Experiment designs: which lever settings to run, with how many replicates and which seeds.

A design is a table (``design.csv``): one row per run, with the design point, the replicate, the
seed and one column per swept key (a Hydra override path). Methods:

- ``grid``: full factorial over the listed levels;
- ``oat``: one lever at a time: a baseline point, then each lever through its levels while the
  others stay at the baseline;
- ``lhs``: Latin hypercube over the ranges (SALib);
- ``sobol``: Saltelli/Sobol' sample for first- and total-order indices (SALib);
- ``morris``: Morris elementary-effects trajectories (SALib).

Replicates use common random numbers: replicate ``r`` has the same seed at every design point,
and the replicates' seeds are independent streams spawned from one ``SeedSequence``.
Ranges default to the declared range of the lever (``model/levers.py``); give tighter ones.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from model.config import RunConfig
from model.levers import ConfigError, iter_levers
from model.outputs import atomic_write

METHODS = ("grid", "oat", "lhs", "sobol", "morris")
PRESET_DIR = Path(__file__).resolve().parent.parent / "configs" / "experiment"
DESIGN_FILE = "design.csv"
SPEC_FILE = "design.json"


@dataclass
class Parameter:
    """One swept key: a range for sampled designs, or explicit levels."""

    key: str
    low: float | None = None
    high: float | None = None
    levels: list[Any] | None = None
    integer: bool = False

    @property
    def name(self) -> str:
        return self.key


@dataclass
class DesignSpec:
    """Everything that defines a sweep."""

    name: str
    scenario: str
    method: str
    parameters: list[Parameter]
    samples: int = 8  # lhs: points; sobol: base samples N; morris: trajectories
    replicates: int = 1
    base_seed: int = 0
    overrides: list[str] = field(default_factory=list)  # applied to every run

    def problem(self) -> dict[str, Any]:
        """The SALib problem dict of the numeric parameters."""
        return {
            "num_vars": len(self.parameters),
            "names": [p.key for p in self.parameters],
            "bounds": [[p.low, p.high] for p in self.parameters],
        }


def declared_range(key: str) -> tuple[float | None, float | None, bool]:
    """(low, high, is_integer) declared for an override path, cities/areas by any name."""
    parts = key.split(".")
    for declared, default, info in iter_levers(RunConfig):
        dparts = declared.split(".")
        if len(dparts) == len(parts) and all(
            d == p or d == "<name>" for d, p in zip(dparts, parts, strict=True)
        ):
            is_int = isinstance(default, int) and not isinstance(default, bool)
            return info.low, info.high, is_int
    raise ConfigError(f"design parameter '{key}' is not a declared config key")


def load_spec(source: str | Path | dict[str, Any]) -> DesignSpec:
    """A spec from a preset name (``configs/experiment/NAME.yaml``), a YAML file or a dict."""
    if isinstance(source, dict):
        data = source
    else:
        path = Path(source)
        if not path.suffix:
            path = PRESET_DIR / f"{source}.yaml"
        if not path.exists():
            presets = sorted(p.stem for p in PRESET_DIR.glob("*.yaml"))
            raise ConfigError(f"design spec '{source}' not found; presets: {', '.join(presets)}")
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ConfigError(f"malformed YAML in {path}: {exc}".splitlines()[0]) from exc
    method = data.get("method", "lhs")
    if method not in METHODS:
        raise ConfigError(f"design key 'method' = '{method}'; allowed: {', '.join(METHODS)}")
    params = []
    for key, value in (data.get("parameters") or {}).items():
        if key in ("seed", "n_households") or key.startswith(("design.", "outputs.")):
            raise ConfigError(
                f"design parameter '{key}' cannot be swept here (set replicates "
                "for seeds, overrides for fixed settings)"
            )
        low, high, is_int = declared_range(key)
        value = value or {}
        p = Parameter(
            key=key,
            low=value.get("low", low),
            high=value.get("high", high),
            levels=value.get("levels"),
            integer=is_int,
        )
        if p.levels is None and (p.low is None or p.high is None):
            raise ConfigError(f"design parameter '{key}' needs levels or a low and high")
        outside = (low is not None and p.low < low) or (high is not None and p.high > high)
        if p.levels is None and outside:
            raise ConfigError(
                f"design parameter '{key}' range [{p.low}, {p.high}] leaves the declared "
                f"range [{low}, {high}]"
            )
        for level in p.levels or []:
            if not isinstance(level, int | float) or isinstance(level, bool):
                continue  # a choice or flag: composing the config checks it
            if (low is not None and level < low) or (high is not None and level > high):
                raise ConfigError(
                    f"design parameter '{key}' level {level} leaves the declared range "
                    f"[{low}, {high}]"
                )
        params.append(p)
    if not params:
        raise ConfigError("design key 'parameters' is empty")
    if method in ("grid", "oat") and any(p.levels is None for p in params):
        for p in params:
            if p.levels is None:
                p.levels = list(np.linspace(p.low, p.high, 3))
    spec = DesignSpec(
        name=data.get("name", "sweep"),
        scenario=data.get("scenario", "demo"),
        method=method,
        parameters=params,
        samples=int(data.get("samples", 8)),
        replicates=int(data.get("replicates", 1)),
        base_seed=int(data.get("base_seed", 0)),
        overrides=merge_overrides(list(data.get("overrides", []))),
    )
    check_counts(spec)
    return spec


def check_counts(spec: DesignSpec) -> None:
    """Raise ConfigError unless the spec asks for at least one sample and one replicate."""
    for key in ("samples", "replicates"):
        if getattr(spec, key) < 1:
            raise ConfigError(f"design key '{key}' = {getattr(spec, key)}; allowed: 1 or more")


def merge_overrides(overrides: list[str]) -> list[str]:
    """``KEY=VALUE`` overrides with one entry per key: a later value replaces an earlier one
    in its place (as Hydra would apply them: the last wins). A key also given in another form
    (``+KEY=``, ``~KEY``) keeps all its entries, in order, for Hydra to apply or refuse."""
    bare = [item.split("=", 1)[0].lstrip("+~") for item in overrides]
    forms = zip(bare, overrides, strict=True)
    other_forms = {key for key, item in forms if item.startswith(("+", "~"))}
    merged: dict[str, str] = {}
    for i, (key, item) in enumerate(zip(bare, overrides, strict=True)):
        merged[f"{i}:{item}" if key in other_forms else key] = item
    return list(merged.values())


def replicate_seeds(base_seed: int, replicates: int) -> list[int]:
    """Independent seeds for the replicates, spawned from one SeedSequence."""
    children = np.random.SeedSequence(base_seed).spawn(replicates)
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]


def sample_points(spec: DesignSpec) -> pd.DataFrame:
    """The design points (one row each, one column per parameter), before replication."""
    keys = [p.key for p in spec.parameters]
    if spec.method == "grid":
        rows = list(itertools.product(*[p.levels for p in spec.parameters]))
    elif spec.method == "oat":
        base = [p.levels[len(p.levels) // 2] for p in spec.parameters]
        rows = [tuple(base)]
        for i, p in enumerate(spec.parameters):
            for level in p.levels:
                if level != base[i]:
                    row = list(base)
                    row[i] = level
                    rows.append(tuple(row))
    else:
        rows = _salib_sample(spec)
    points = pd.DataFrame(rows, columns=keys)
    for p in spec.parameters:
        if p.integer:
            points[p.key] = np.round(points[p.key].astype(float)).astype(int)
    return points


def _salib_sample(spec: DesignSpec) -> np.ndarray:
    from SALib.sample import latin, morris, sobol

    problem = spec.problem()
    if spec.method == "lhs":
        return latin.sample(problem, spec.samples, seed=spec.base_seed)
    if spec.method == "sobol":
        return sobol.sample(problem, spec.samples, calc_second_order=False, seed=spec.base_seed)
    return morris.sample(problem, spec.samples, num_levels=4, seed=spec.base_seed)


def make_design(spec: DesignSpec) -> pd.DataFrame:
    """The run table: every design point times every replicate, with seeds and run ids."""
    points = sample_points(spec)
    seeds = replicate_seeds(spec.base_seed, spec.replicates)
    frames = []
    for r, seed in enumerate(seeds):
        frame = points.copy()
        frame.insert(0, "point", np.arange(len(points)))
        frame.insert(1, "replicate", r)
        frame.insert(2, "seed", seed)
        frames.append(frame)
    design = pd.concat(frames, ignore_index=True).sort_values(["point", "replicate"])
    design.insert(
        0,
        "run_id",
        [f"p{p:04d}_r{r:02d}" for p, r in zip(design["point"], design["replicate"], strict=True)],
    )
    return design.reset_index(drop=True)


def write_design(
    spec: DesignSpec, sweep_dir: Path, design: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Write ``design.csv`` and ``design.json`` into ``sweep_dir``; return the design (made
    from ``spec`` unless given)."""
    design = make_design(spec) if design is None else design
    sweep_dir.mkdir(parents=True, exist_ok=True)
    atomic_write(sweep_dir / DESIGN_FILE, lambda tmp: design.to_csv(tmp, index=False))
    spec_data = asdict(spec)
    spec_data["runs"] = len(design)
    spec_data["points"] = int(design["point"].nunique())
    text = json.dumps(spec_data, indent=2, default=float) + "\n"
    atomic_write(sweep_dir / SPEC_FILE, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return design


def read_spec(sweep_dir: Path) -> DesignSpec:
    """The spec saved with a sweep."""
    data = json.loads((Path(sweep_dir) / SPEC_FILE).read_text(encoding="utf-8"))
    data.pop("runs", None)
    data.pop("points", None)
    data["parameters"] = [Parameter(**p) for p in data["parameters"]]
    return DesignSpec(**data)


def row_overrides(row: pd.Series, keys: list[str]) -> dict[str, Any]:
    """The swept values of one design row as plain Python scalars."""
    return {key: _plain(row[key]) for key in keys}


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value
