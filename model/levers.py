"""Declaring a parameter once: type, unit, allowed range, meaning and seed clauses.

Every lever and behaviour parameter is a dataclass field built with :func:`lever`. The metadata it
carries is what :func:`validate` checks after Hydra composes a config, and what reference
documentation and experiment designs read, so a range is written in exactly one place.

Seed documents are cited by file name prefix and the document's own clause markers, e.g.
``001 二(二)1(1)`` is clause 二(二)1(1) of ``seeds/001_2652b88b5a517c16.txt`` (Baotou 2024).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

SEED_FILES = {
    "000": "000_dd2046fa64a38296.txt (Sichuan 2019, poor migrants' public services)",
    "001": "001_2652b88b5a517c16.txt (Baotou 2024, new round of citizenization)",
    "002": "002_0972b7a98de5a585.txt (Nantong 2020, settlement of non-hukou residents)",
    "003": "003_3bac0e90df524bd1.txt (Jiangmen 2018, poverty line and dibao line merged)",
    "004": "004_0ca950a3d98bb87f.txt (Sichuan 2023, county-level migrant-worker citizenization)",
}


class ConfigError(ValueError):
    """A configuration value is unknown, of the wrong type or out of range (one-line message)."""


# Keys that moved, with where they went: an old script or notebook gets the new name.
MOVED_KEYS = {"outside.amenity_cny_per_month": "behavior.outside_amenity_cny_per_month"}


def unknown_key(key: str) -> str:
    """The one-line error for a key the schema lacks (naming its new place if it moved)."""
    if key in MOVED_KEYS:
        return f"unknown config key '{key}': it is now '{MOVED_KEYS[key]}'"
    return f"unknown config key '{key}' (not in the schema)"


@dataclass(frozen=True)
class LeverInfo:
    """What a parameter means: unit, inclusive range and the seed clauses behind it."""

    unit: str
    low: float | None
    high: float | None
    doc: str
    seeds: str = ""


def lever(
    default: Any,
    *,
    unit: str,
    doc: str,
    low: float | None = None,
    high: float | None = None,
    seeds: str = "",
) -> Any:
    """Declare a config field with its unit, inclusive range [low, high] and seed clauses.

    Args:
        default: Default value (a scalar or an Enum member).
        unit: Unit of the value, e.g. ``"CNY/month"``, ``"months"``, ``"share 0-1"``.
        doc: One sentence saying what the value means in the domain.
        low: Smallest allowed value, or None for no bound.
        high: Largest allowed value, or None for no bound.
        seeds: Seed clauses the value implements, e.g. ``"001 二(二)1(1); 002 (四)"``.
    """
    info = LeverInfo(unit=unit, low=low, high=high, doc=doc, seeds=seeds)
    return field(default=default, metadata={"lever": info})


def section(factory: type, doc: str = "") -> Any:
    """Declare a nested config section (a dataclass) with a default instance."""
    return field(default_factory=factory, metadata={"section_doc": doc})


def lever_info(dc_type: type, name: str) -> LeverInfo | None:
    """Return the :class:`LeverInfo` of field ``name`` of dataclass ``dc_type``, if declared."""
    for f in dataclasses.fields(dc_type):
        if f.name == name:
            return f.metadata.get("lever")
    return None


def _range_text(info: LeverInfo) -> str:
    low = "-inf" if info.low is None else f"{info.low:g}"
    high = "inf" if info.high is None else f"{info.high:g}"
    return f"[{low}, {high}]"


def validate(obj: Any, prefix: str = "") -> None:
    """Check every declared range in a config object tree; raise ConfigError on the first miss.

    Args:
        obj: A config dataclass instance (as returned by ``OmegaConf.to_object``).
        prefix: Dotted key of ``obj`` within the whole config, for messages.
    """
    if isinstance(obj, dict):
        for key, value in obj.items():
            validate(value, f"{prefix}{key}.")
        return
    if not dataclasses.is_dataclass(obj):
        return
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        key = f"{prefix}{f.name}"
        info: LeverInfo | None = f.metadata.get("lever")
        if info is not None and not isinstance(value, (Enum, str, bool)):
            if isinstance(value, float) and math.isnan(value):
                raise ConfigError(f"config key '{key}' is NaN; allowed range {_range_text(info)}")
            if (info.low is not None and value < info.low) or (
                info.high is not None and value > info.high
            ):
                raise ConfigError(
                    f"config key '{key}' = {value} is out of range; allowed {_range_text(info)}"
                    f" ({info.unit})"
                )
        validate(value, f"{key}.")


def iter_levers(dc_type: type, prefix: str = "") -> list[tuple[str, Any, LeverInfo]]:
    """List ``(dotted_key, default, info)`` for every declared field under a dataclass type.

    Dict-valued sections (cities, rural areas) are listed by their value type under ``<name>``.
    """
    rows: list[tuple[str, Any, LeverInfo]] = []
    hints = _resolved_hints(dc_type)
    for f in dataclasses.fields(dc_type):
        key = f"{prefix}{f.name}"
        info = f.metadata.get("lever")
        if info is not None:
            rows.append((key, f.default, info))
            continue
        ftype = hints.get(f.name)
        if dataclasses.is_dataclass(ftype):
            rows.extend(iter_levers(ftype, f"{key}."))
        elif getattr(ftype, "__origin__", None) is dict:
            value_type = ftype.__args__[1]
            if dataclasses.is_dataclass(value_type):
                rows.extend(iter_levers(value_type, f"{key}.<name>."))
    return rows


def _resolved_hints(dc_type: type) -> dict[str, Any]:
    import typing

    return typing.get_type_hints(dc_type)
