"""The run configuration: one typed schema, composed by Hydra from ``configs/``.

The schema is a tree of dataclasses. Policy levers are declared in the module of their policy
area (``settlement``, ``housing``, ``schooling``, ``land``, ``permits``); behaviour and run-level
parameters are declared here. YAML files under ``configs/`` only set values. After composition,
:func:`to_run_config` turns the result into typed objects and checks every declared range, so
bad input stops before anything runs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import yaml
from hydra.core.config_store import ConfigStore
from hydra.errors import ConfigCompositionException, MissingConfigException, OverrideParseException
from omegaconf import DictConfig, OmegaConf, open_dict
from omegaconf.errors import (
    ConfigAttributeError,
    ConfigKeyError,
    OmegaConfBaseException,
    ValidationError,
)

from model.assistance import AssistancePolicy
from model.batch import ExecutionOptions
from model.capacity import CapacityPolicy
from model.decisions import BehaviorConfig
from model.demography import DemographyConfig
from model.employment_support import EmploymentSupportPolicy
from model.fiscal import FiscalPolicy
from model.home_purchase import HomePurchaseConfig
from model.hukou_moves import HukouMovesPolicy
from model.insurance import InsurancePolicy
from model.labels import Language
from model.land import LandPolicy
from model.levers import ConfigError, lever, section, unknown_key, validate
from model.pensions import PensionPolicy
from model.permits import ResidencePermitPolicy
from model.places import CityConfig, OutsideConfig, RuralAreaConfig
from model.population import HouseholdTraits
from model.provident_fund import ProvidentFundPolicy
from model.reclassification import ReclassificationPolicy
from model.skills import SkillsPolicy
from model.targets import StartData, Target
from model.uncertainty import UncertaintyOptions

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"


@dataclass
class EconomyConfig:
    """Economic context of a scenario (not policy)."""

    wage_growth_pct_per_year: float = lever(
        0.0,
        unit="%/year",
        low=-20,
        high=30,
        doc="Growth of every wage (formal, informal, rural, outside), and with it of rents, "
        "fees and the price level of behaviour values; policy amounts stay as configured "
        "unless their own growth lever says otherwise.",
    )
    rent_population_elasticity: float = lever(
        0.2,
        unit="elasticity",
        low=0,
        high=2,
        doc="Rise of a city's rent per 1 % more residents than at the start, in % (0 = off; "
        "0.2: mid of 0.15-0.26 from China's estimated housing supply elasticities, see "
        "model/rents.py).",
    )
    rent_size_elasticity: float = lever(
        0.6,
        unit="elasticity",
        low=0,
        high=2,
        doc="A household's rent is the city's rent (a home for three) times (persons/3)^e: a "
        "single worker rents a room, a large family more space (assumption).",
    )


@dataclass
class HarrisTodaroConfig:
    """The textbook Harris–Todaro economy used by ``scenario=harris_todaro``."""

    labor_force: float = lever(1000.0, unit="workers", low=1e-9, high=1e10, doc="Total labour.")
    formal_jobs: float = lever(100.0, unit="workers", low=0, high=1e10, doc="Urban formal jobs.")
    formal_wage: float = lever(1.0, unit="wage units", low=0, high=1e9, doc="Formal urban wage.")
    informal_wage: float = lever(
        0.0, unit="wage units", low=0, high=1e9, doc="Wage of urban workers without a formal job."
    )
    rural_wage: float = lever(
        0.5, unit="wage units", low=0, high=1e9, doc="Rural wage at the reference rural labour."
    )
    rural_wage_elasticity: float = lever(
        0.0, unit="elasticity", low=0, high=5, doc="w_r = rural_wage (L_r/L_ref)^-elasticity."
    )
    reference_rural_labor: float = lever(
        800.0, unit="workers", low=1e-9, high=1e10, doc="L_ref of the rural wage."
    )


@dataclass
class OutputOptions:
    """What a run writes besides timeseries.csv and summary.json."""

    plot: bool = lever(True, unit="flag", doc="Write urbanization.png (sweeps turn it off).")
    cities_table: bool = lever(True, unit="flag", doc="Write cities.csv.")
    lang: Language = lever(
        Language.en,
        unit="choice",
        doc="Language of figure labels: en | zh (Chinese, official terms; a bundled CJK font).",
    )


@dataclass
class DesignRef:
    """Which rows of an experiment design a job runs (set by experiments.sweep, not by hand)."""

    file: str = lever("", unit="path", doc="design.csv of a sweep ('' = a single run).")
    chunk: int = lever(0, unit="index", low=0, high=1e9, doc="Which chunk of rows this job runs.")
    chunks: int = lever(1, unit="count", low=1, high=1e9, doc="How many chunks the rows form.")


@dataclass
class RunConfig:
    """Everything one run needs. Top-level keys are overridable from the command line."""

    scenario_name: str = lever("unnamed", unit="name", doc="Name of the scenario.")
    description: str = lever("", unit="text", doc="One line on what the scenario represents.")
    region: str = lever(
        "",
        unit="name",
        doc="Region the scenario represents (CN, sichuan, nantong, ...): behaviour sets fitted "
        "for another region are refused.",
    )
    seed: int = lever(0, unit="integer", low=0, high=2**63 - 1, doc="Random seed of the run.")
    n_households: int = lever(
        20000, unit="agents", low=1, high=200_000_000, doc="Household agents (rows)."
    )
    start_year: int = lever(
        2020, unit="year", low=1949, high=2200, doc="Year of the initial state."
    )
    end_year: int = lever(2030, unit="year", low=1949, high=2200, doc="Last simulated year-end.")
    months_per_step: int = lever(
        3, unit="months", low=1, high=12, doc="Months per step; must divide 12."
    )
    spin_up_years: int = lever(
        0,
        unit="years",
        low=0,
        high=30,
        doc="Years of jobs, permits, choices, settlement and services run on the start state "
        "before the first year (the calendar, ages and prices held), after which the start "
        "figures are matched again: the first projected year then moves like the model's own "
        "dynamics instead of in a jump.",
    )
    households: HouseholdTraits = section(HouseholdTraits, "initial household traits")
    rural_areas: dict[str, RuralAreaConfig] = field(default_factory=dict)
    cities: dict[str, CityConfig] = field(default_factory=dict)
    outside: OutsideConfig = section(OutsideConfig, "outside the region")
    residence_permit: ResidencePermitPolicy = section(ResidencePermitPolicy, "residence permits")
    land: LandPolicy = section(LandPolicy, "land rights")
    hukou_moves: HukouMovesPolicy = section(
        HukouMovesPolicy, "graduates, returnees, transfer in the region"
    )
    assistance: AssistancePolicy = section(AssistancePolicy, "dibao and temporary relief")
    skills: SkillsPolicy = section(SkillsPolicy, "training, employment services, arrears, loans")
    employment_support: EmploymentSupportPolicy = section(
        EmploymentSupportPolicy, "employers' hiring subsidies"
    )
    insurance: InsurancePolicy = section(InsurancePolicy, "social insurance")
    pensions: PensionPolicy = section(PensionPolicy, "basic pensions")
    fiscal: FiscalPolicy = section(FiscalPolicy, "transfers and land tied to settlement")
    capacity: CapacityPolicy = section(CapacityPolicy, "public rental units and school seats added")
    provident_fund: ProvidentFundPolicy = section(ProvidentFundPolicy, "housing provident fund")
    home_purchase: HomePurchaseConfig = section(HomePurchaseConfig, "renters buying homes")
    demography: DemographyConfig = section(DemographyConfig, "demographic rates")
    reclassification: ReclassificationPolicy = section(ReclassificationPolicy, "in-situ")
    behavior: BehaviorConfig = section(BehaviorConfig, "behaviour")
    economy: EconomyConfig = section(EconomyConfig, "economic context")
    start: StartData = section(StartData, "start-year data matched by the initial population")
    targets: dict[str, Target] = field(default_factory=dict)
    harris_todaro: HarrisTodaroConfig = section(HarrisTodaroConfig, "Harris–Todaro economy")
    uncertainty: UncertaintyOptions = section(UncertaintyOptions, "runs behind the bands")
    execution: ExecutionOptions = section(ExecutionOptions, "where the draws run")
    outputs: OutputOptions = section(OutputOptions, "optional outputs")
    design: DesignRef = section(DesignRef, "experiment design rows run by this job")


def register_schema() -> None:
    """Register the schema with Hydra's ConfigStore as ``base_config`` (idempotent)."""
    ConfigStore.instance().store(name="base_config", node=RunConfig)


register_schema()


def check_consistency(cfg: RunConfig) -> None:
    """Cross-field checks that no single range can express; raise ConfigError."""
    if cfg.end_year <= cfg.start_year:
        raise ConfigError(
            f"config key 'end_year' = {cfg.end_year} must be after start_year = {cfg.start_year}"
        )
    if 12 % cfg.months_per_step:
        raise ConfigError(
            f"config key 'months_per_step' = {cfg.months_per_step} must divide 12 "
            "(allowed 1, 2, 3, 4, 6, 12)"
        )
    if not cfg.rural_areas:
        raise ConfigError("config key 'rural_areas' is empty; a region needs at least one")
    if not cfg.cities:
        raise ConfigError("config key 'cities' is empty; a region needs at least one city")
    overlap = set(cfg.rural_areas) & set(cfg.cities) | (
        {"outside"} & (set(cfg.cities) | set(cfg.rural_areas))
    )
    if overlap:
        raise ConfigError(f"place name(s) {sorted(overlap)} used twice; names must be unique")
    inflow = sum(c.initial_inflow_households for c in cfg.cities.values())
    if inflow > 0 and not cfg.outside.enabled:
        raise ConfigError(
            "config key 'cities.<name>.initial_inflow_households' needs outside.enabled=true "
            "(inflow households hold their hukou outside the region)"
        )
    from model.indicators import INDICATORS

    for name, target in cfg.targets.items():
        if target.indicator not in INDICATORS:
            raise ConfigError(
                f"config key 'targets.{name}.indicator' = '{target.indicator}' is not an "
                f"indicator; allowed: {', '.join(INDICATORS)}"
            )
    for name, area in cfg.rural_areas.items():
        if area.town and area.town not in cfg.cities:
            raise ConfigError(
                f"config key 'rural_areas.{name}.town' = '{area.town}' is not a city; "
                f"allowed: '' or one of {sorted(cfg.cities)}"
            )
    fitted_for = cfg.behavior.fitted_for
    if fitted_for and fitted_for not in ("CN", cfg.region):
        raise ConfigError(
            f"config key 'behavior.fitted_for' = '{fitted_for}': this behaviour set "
            f"('{cfg.behavior.name}') was fitted for another region than the scenario's "
            f"region '{cfg.region}'; allowed: a set fitted for '{cfg.region}' or 'CN', or "
            "behavior=default"
        )
    if sum(a.initial_households for a in cfg.rural_areas.values()) <= 0:
        raise ConfigError(
            "config key 'rural_areas.<name>.initial_households' is 0 everywhere; "
            "migrants need an origin"
        )


def to_run_config(cfg: DictConfig) -> RunConfig:
    """Turn a composed config into a validated :class:`RunConfig`; raise ConfigError."""
    try:
        if "hydra" in cfg:  # composed with Hydra's own node: drop it, keep the schema type
            cfg = cfg.copy()
            with open_dict(cfg):
                del cfg["hydra"]
        _reject_unknown_keys(cfg)
        run_cfg: RunConfig = OmegaConf.to_object(cfg)
    except OmegaConfBaseException as exc:
        raise ConfigError(describe_error(exc)) from exc
    validate(run_cfg)
    check_consistency(run_cfg)
    return run_cfg


def _reject_unknown_keys(node: DictConfig, prefix: str = "") -> None:
    """Raise ConfigError for keys that are not schema fields ('+key=value' gets past Hydra)."""
    schema = OmegaConf.get_type(node)
    known = (
        {f.name for f in dataclasses.fields(schema)} if dataclasses.is_dataclass(schema) else None
    )
    for key in node:
        if known is not None and key not in known:
            raise ConfigError(unknown_key(f"{prefix}{key}"))
        child = node._get_node(key)
        if isinstance(child, DictConfig):
            _reject_unknown_keys(child, f"{prefix}{key}.")


def compose_config(overrides: list[str] | None = None) -> RunConfig:
    """Compose ``configs/config.yaml`` with Hydra overrides and validate it.

    Args:
        overrides: Hydra override strings, e.g. ``["scenario=harris_todaro", "seed=3"]``.

    Raises:
        ConfigError: With a one-line message naming the offending key, file or value.
    """
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    overrides = list(overrides or [])
    was_initialized = GlobalHydra.instance().is_initialized()
    if was_initialized:  # inside a Hydra app: compose with its search path
        try:
            cfg = compose(config_name="config", overrides=overrides)
        except Exception as exc:
            raise ConfigError(describe_error(exc)) from exc
        return to_run_config(cfg)
    try:
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            cfg = compose(config_name="config", overrides=overrides)
    except ConfigError:
        raise
    except Exception as exc:
        raise ConfigError(_naming_places(describe_error(exc), overrides)) from exc
    return to_run_config(cfg)


_UNKNOWN_PLACE = re.compile(r"^unknown config key '(cities|rural_areas)\.([^.']+)'")


def _naming_places(message: str, overrides: list[str]) -> str:
    """``message``, with the scenario's places listed if it names a city or rural area the
    scenario does not have (a key meant for another scenario's city)."""
    found = _UNKNOWN_PLACE.match(message)
    if not found:
        return message
    group, name = found.groups()
    others = [o for o in overrides if not o.lstrip("+~").startswith(f"{group}.{name}")]
    if others == overrides:  # the place came in another form (a dict value): say no more
        return message
    try:
        places = list(getattr(compose_config(others), group))
    except ConfigError:
        return message
    kind = "city" if group == "cities" else "rural area"
    head = message.split(" (")[0]
    return f"{head}: no {kind} '{name}' here (this scenario has: {', '.join(places)})"


def describe_error(exc: BaseException) -> str:
    """A one-line description of a Hydra/OmegaConf/YAML error, naming the key or file."""
    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in chain:
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    for err in chain:
        if isinstance(err, yaml.YAMLError):
            mark = getattr(err, "problem_mark", None)
            where = f"{mark.name}:{mark.line + 1}" if mark is not None else "a config file"
            problem = getattr(err, "problem", None) or str(err).splitlines()[0]
            return f"malformed YAML in {where}: {problem}"
    for err in chain:
        if isinstance(err, MissingConfigException):
            return _first_line(_missing_config_message(err))
        if isinstance(err, OverrideParseException):
            return f"malformed override: {_first_line(str(err))}"
        if isinstance(err, (ConfigKeyError, ConfigAttributeError)):
            return unknown_key(getattr(err, "full_key", None) or _quoted(str(err)))
        if isinstance(err, ValidationError):
            key = getattr(err, "full_key", "?")
            return f"config key '{key}': {_first_line(str(err))}"
        if isinstance(err, OmegaConfBaseException):
            key = getattr(err, "full_key", None)
            return f"config key '{key}': {_first_line(str(err))}" if key else _first_line(str(err))
    for err in chain:
        if isinstance(err, ConfigCompositionException):
            return _first_line(str(err))
    return _first_line(str(exc)) or type(exc).__name__


def _missing_config_message(err: MissingConfigException) -> str:
    options = getattr(err, "options", None)
    group = getattr(err, "config_name", None) or ""
    text = str(err).splitlines()[0]
    if options:
        return f"{text} (available: {', '.join(sorted(options))})"
    return f"{text} ({group})" if group else text


def _first_line(text: str) -> str:
    return " ".join(line.strip() for line in text.strip().splitlines()[:1])


def _quoted(text: str) -> str:
    start = text.find("'")
    end = text.find("'", start + 1)
    return text[start + 1 : end] if 0 <= start < end else text


def summarize_config(cfg: RunConfig) -> dict[str, Any]:
    """The config as plain data (for summary.json): nested dicts, enums by name."""
    return _plain(cfg)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, Enum):
        return value.name
    return value


def run_key(cfg: RunConfig) -> str:
    """Hash of everything that determines a run's results (the model config and the seed).

    Output options, the design bookkeeping and where the runs execute are left out: they do not
    change the results. Sweeps use the key to skip runs that are already complete.
    """
    data = summarize_config(cfg)
    for key in ("outputs", "design", "execution"):
        data.pop(key, None)
    text = json.dumps(data, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
