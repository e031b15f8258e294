"""In-situ urbanization: villages absorbed by their town are reclassified as urban.

"Urban" follows the classification of places, so reclassification raises the resident
urbanization rate with nobody moving. What can be reclassified is finite: the households of
villages next to towns, inside the area they will grow into (``peri_urban`` households, a share
of each rural area's households at the start, ``peri_urban_share``, estimated). Each year a
share of the peri-urban households still living in their village is absorbed, so the flow
shrinks as the stock is used up instead of growing with whatever rural population is left.
As towns grow, the area they will grow into moves outward: each year a small share of the other
village households at home becomes peri-urban (``peri_urban_renewal_per_year``, estimated), so
the stock is renewed in proportion to the villages that remain rather than used up once.
The share is that of a fit's first year (``peri_urban_share_year``): a run that starts later
begins with the share the stock's own yearly balance gives by its start year
(:func:`start_peri_urban_share`), not with the first year's again, so the first years of a
scenario absorb villages at the pace its fit had reached, not at the pace of the fit's start.
A configured share of the absorbed households (for example land-expropriated farmers) also
receives an urban hukou. Absorbed households take the town as their home place, so they no
longer choose among destinations; those left with a rural hukou stay non-hukou urban residents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.households import Employment, Tenure
from model.levers import lever

if TYPE_CHECKING:
    from model.world import World


def reclassify_rural_places(w: World) -> None:
    """Phase: peri-urban households at home in a rural area with a town join that town."""
    policy, hh, places = w.cfg.reclassification, w.hh, w.places
    if policy.rate_per_year <= 0:
        return
    _renew_peri_urban_stock(w)
    p = 1.0 - (1.0 - policy.rate_per_year) ** (w.months_per_step / 12)
    candidates = np.flatnonzero(hh.peri_urban)
    at_home = candidates[hh.location[candidates] == hh.origin[candidates]]
    town = places.town_of[hh.location[at_home]]
    idx = at_home[(town >= 0) & places.is_rural[hh.location[at_home]]]
    idx = idx[w.rng.random(idx.size) < p]
    if idx.size == 0:
        return
    new_town = places.town_of[hh.location[idx]]
    hh.location[idx] = new_town
    hh.origin[idx] = new_town  # their home place is now the town: they stop weighing a return
    hh.peri_urban[idx] = False  # the stock is used up by this much
    hh.tenure[idx] = Tenure.OWNED  # they stay in their own house
    hh.employment[idx] = Employment.INFORMAL  # they join the town's labour market
    converted = idx[w.rng.random(idx.size) < policy.hukou_conversion_share]
    hh.hukou_urban[converted] = True
    hh.hukou_place[converted] = hh.location[converted]
    hh.family_followed[converted] = True
    w.flows.add("reclassified_households", hh.weight[idx].sum(dtype=np.float64))
    w.flows.add("reclassified_persons", (hh.weight[idx] * hh.size_of(idx)).sum(dtype=np.float64))
    w.flows.add(
        "hukou_converted_persons",
        (hh.weight[converted] * hh.size_of(converted)).sum(dtype=np.float64),
    )


def _renew_peri_urban_stock(w: World) -> None:
    """Village households at home near a town join the peri-urban stock as the town grows."""
    policy, hh, places = w.cfg.reclassification, w.hh, w.places
    if policy.peri_urban_renewal_per_year <= 0:
        return
    q = 1.0 - (1.0 - policy.peri_urban_renewal_per_year) ** (w.months_per_step / 12)
    idx = np.flatnonzero(~hh.peri_urban & (hh.location == hh.origin))
    idx = idx[places.is_rural[hh.location[idx]] & (places.town_of[hh.location[idx]] >= 0)]
    hh.peri_urban[idx[w.rng.random(idx.size) < q]] = True


def start_peri_urban_share(policy: ReclassificationPolicy, start_year: int) -> float:
    """The peri-urban share of village households at home in ``start_year``.

    ``peri_urban_share`` holds in ``peri_urban_share_year`` (0: the start year itself); each
    later year absorbs ``rate_per_year`` of the stock and renews ``peri_urban_renewal_per_year``
    of the rest: s' = s (1 - r) + q (1 - s). Migration changes both parts alike and is left out.
    """
    share, absorbed = policy.peri_urban_share, policy.rate_per_year
    if absorbed <= 0 or not policy.peri_urban_share_year:
        return share
    renewed = policy.peri_urban_renewal_per_year
    for _ in range(max(start_year - policy.peri_urban_share_year, 0)):
        share = share * (1 - absorbed) + renewed * (1 - share)
    return share


@dataclass
class ReclassificationPolicy:
    """In-situ urbanization: peri-urban villages reclassified as urban with nobody moving."""

    rate_per_year: float = lever(
        0.08,
        unit="share/year",
        low=0,
        high=1,
        doc="Share of the peri-urban households still in their village absorbed by the town "
        "each year (estimated in fitted behaviour sets; the default is an assumption).",
        seeds="statistical definition of urban places (see README, data notes)",
    )
    peri_urban_share: float = lever(
        0.2,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of each rural area's households (in peri_urban_share_year, else at the "
        "start) living in villages its town will absorb: the finite stock in-situ urbanization "
        "draws down (estimated in fitted behaviour sets; the default is an assumption).",
    )
    peri_urban_share_year: int = lever(
        0,
        unit="year",
        low=0,
        high=2200,
        doc="Year peri_urban_share refers to (a fitted set: its fit's first year; 0: the run's "
        "start year); a later start carries the share forward by the stock's yearly balance at "
        "this run's rate and renewal. To give a start share directly, set this to 0.",
    )
    peri_urban_renewal_per_year: float = lever(
        0.0,
        unit="share/year",
        low=0,
        high=0.2,
        doc="Share of the other village households at home near a town that joins the "
        "peri-urban stock each year as towns grow (estimated in fitted behaviour sets; 0: the "
        "stock is used up once).",
    )
    hukou_conversion_share: float = lever(
        0.0,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of reclassified households converted to urban hukou (e.g. land-expropriated).",
    )
