"""docs/levers.md is generated from the declarations and must not go stale."""

from __future__ import annotations

import dataclasses

from model import reference
from model.config import RunConfig
from model.levers import iter_levers


def test_lever_reference_is_up_to_date():
    current = reference.DOC_PATH.read_text(encoding="utf-8")
    assert current == reference.render(), "run: python -m model.reference"


def test_every_config_field_is_declared_with_a_unit_and_meaning():
    def walk(dc_type):
        hints = __import__("typing").get_type_hints(dc_type)
        for f in dataclasses.fields(dc_type):
            t = hints[f.name]
            if dataclasses.is_dataclass(t):
                yield from walk(t)
            elif getattr(t, "__origin__", None) is dict:
                yield from walk(t.__args__[1])
            else:
                yield dc_type.__name__, f

    for owner, f in walk(RunConfig):
        info = f.metadata.get("lever")
        assert info is not None, f"{owner}.{f.name} is not declared with lever()"
        assert info.unit and info.doc, f"{owner}.{f.name} lacks a unit or meaning"
    assert len(iter_levers(RunConfig)) > 80
