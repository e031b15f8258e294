"""Household formation: grown children leave home and single heads form couples.

Grown children leave once old enough (``demography.leave_home_min_age_years``, the head's age
less the generation gap), at a yearly rate. A grown child who leaves home heads a new one-person
household where the parents live, with the hukou the family holds (an urban hukou only if the
whole family moved theirs), the family's home village, no land of its own (the contract stays
with the parents), and a skill correlated with the parents'. From then on the new household
decides for itself where to live and whether to settle: the young leave villages first. Two
single households of one row form one couple household: the row's weight halves and its couple
doubles, so persons are kept exactly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.compiled import jit
from model.draws import any_of
from model.households import Employment, Tenure
from model.hukou_moves import mark_graduates

if TYPE_CHECKING:
    from model.world import World

SKILL_CORRELATION = 0.5  # between parents' and children's skill (intergenerational, assumption)
MAX_PARTNERING_AGE = 45.0
_COPIED = ("origin", "location", "peri_urban", "poverty_registered", "months_in_place")


def form_households(w: World) -> None:
    """Phase: grown children leave to head households of their own; singles form couples."""
    cfg = w.cfg.demography
    if not cfg.enabled:
        return
    years = w.months_per_step / 12
    hh = w.hh
    leaving = any_of(w.rng, hh.grown_children, cfg.leave_home_per_year * years)
    gap, min_age = np.float32(cfg.generation_gap_years), np.float32(cfg.leave_home_min_age_years)
    leavers = _leaving_home(leaving, hh.head_age_years, hh.weight, gap, min_age)
    _leave_home(w, np.flatnonzero(leavers))
    _form_couples(w, cfg.partnering_per_year * years)
    w.hh.refresh_age_groups()


def _leave_home(w: World, parents: np.ndarray) -> None:
    """One grown child of each household ``parents`` heads a new household."""
    if parents.size == 0:
        return
    rng, places, gap = w.rng, w.places, w.cfg.demography.generation_gap_years
    rows = w.hh.add_rows(parents.size)  # may reallocate: read the arrays only after this
    hh = w.hh
    hh.grown_children[parents] -= 1
    for name in _COPIED:
        getattr(hh, name)[rows] = getattr(hh, name)[parents]
    hh.weight[rows] = hh.weight[parents]
    whole_family = hh.hukou_urban[parents] & hh.family_followed[parents]
    hh.hukou_urban[rows] = whole_family
    hh.hukou_place[rows] = np.where(
        whole_family | ~hh.hukou_urban[parents], hh.hukou_place[parents], hh.origin[parents]
    )
    hh.family_followed[rows] = True
    hh.couple[rows] = 1
    hh.head_age_years[rows] = np.clip(hh.head_age_years[parents] - gap, 18, 35)
    noise = rng.standard_normal(rows.size).astype(np.float32)
    hh.skill[rows] = (
        SKILL_CORRELATION * hh.skill[parents]
        + np.float32(np.sqrt(1 - SKILL_CORRELATION**2)) * noise
    )
    mark_graduates(hh, rows, w.cfg.hukou_moves.graduate_share)
    at_home = hh.location[rows] == hh.origin[rows]
    rural_home = at_home & places.is_rural[hh.location[rows]]
    hh.homestead_held[rows] = rural_home & hh.homestead_held[parents]
    hh.tenure[rows] = np.where(rural_home, Tenure.RURAL_HOME, Tenure.PRIVATE_RENTAL)
    hh.employment[rows] = np.where(
        places.is_rural[hh.location[rows]], Employment.FARMING, Employment.INFORMAL
    )
    traits = w.cfg.households
    hh.registered_lease[rows] = rng.random(rows.size) < traits.registered_lease_share
    hh.key_occupation[rows] = rng.random(rows.size) < traits.key_occupation_share
    w.flows.add("households_formed", hh.weight[rows].sum(dtype=np.float64))


def _form_couples(w: World, p: float) -> None:
    """Single heads without dependants pair up: two real single households become one."""
    hh = w.hh
    single = _single(
        hh.couple,
        hh.head_age_years,
        hh.weight,
        hh.parents,
        hh.preschool,
        hh.children,
        hh.grown_children,
    )
    idx = np.flatnonzero(single)
    idx = idx[w.rng.random(idx.size) < p]
    hh.weight[idx] *= np.float32(0.5)
    hh.couple[idx] = 2
    w.flows.add("couples_formed", hh.weight[idx].sum(dtype=np.float64))


@jit
def _leaving_home(
    leaving: np.ndarray,
    head_age_years: np.ndarray,
    weight: np.ndarray,
    gap: np.float32,
    min_age: np.float32,
) -> np.ndarray:
    """Whether a grown child old enough (the head's age less ``gap``) leaves each real
    household."""
    out = np.empty(leaving.size, dtype=np.bool_)
    for i in range(leaving.size):
        out[i] = leaving[i] and head_age_years[i] - gap >= min_age and weight[i] > 0
    return out


@jit
def _single(
    couple: np.ndarray,
    head_age_years: np.ndarray,
    weight: np.ndarray,
    parents: np.ndarray,
    preschool: np.ndarray,
    children: np.ndarray,
    grown_children: np.ndarray,
) -> np.ndarray:
    """Whether each household is a real single person young enough to pair up."""
    out = np.empty(couple.size, dtype=np.bool_)
    for i in range(couple.size):
        out[i] = (
            couple[i] == 1
            and head_age_years[i] < np.float32(MAX_PARTNERING_AGE)
            and weight[i] > 0
            and parents[i] == 0
            and preschool[i] == 0
            and children[i] == 0
            and grown_children[i] == 0
        )
    return out
