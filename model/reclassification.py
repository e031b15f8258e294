"""In-situ urbanization: villages absorbed by their town are reclassified as urban.

"Urban" follows the classification of places, so reclassification raises the resident
urbanization rate with nobody moving. What can be reclassified is finite: the households of
villages next to towns, inside the area they will grow into (``peri_urban`` households, a share
of each rural area's village households at the start, ``peri_urban_share``). Each year a share
of the peri-urban households still living in their village is absorbed (``rate_per_year``), so
the flow shrinks as the stock is used up instead of growing with whatever rural population is
left.

Towns grow outward as people move into them: urban construction land follows the migrants a
city takes in (人地挂钩, seeds 000 (十五), 002 (十七)), and the villages at the new edge join
the stock. At each year-end the stock gains, in persons of village households at home near a
town, ``peri_urban_persons_per_city_migrant`` times the year's net arrivals in the region's
cities (persons moving in from villages or from outside the region, less those moving out), so
the flow slows as migration does and stops when it stops. (The rule before it renewed the stock
at a steady share of the villages left, which made the flow a constant share of whatever rural
population remained.) Both values are estimated in fitted behaviour sets; a fitted set gives the
share its fit's own path reached in its scenario's start year (``experiments.fit_records``).

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

NET_CITY_ARRIVALS = "net_city_arrivals_persons"  # yearly flow booked by decisions.relocate


def reclassify_rural_places(w: World) -> None:
    """Phase: peri-urban households at home in a rural area with a town join that town."""
    policy, hh, places = w.cfg.reclassification, w.hh, w.places
    if policy.rate_per_year <= 0:
        return
    if (w.month + w.months_per_step) % 12 == 0:  # the year's last step: its arrivals are in
        _extend_peri_urban_stock(w)
    p = 1.0 - (1.0 - policy.rate_per_year) ** (w.months_per_step / 12)
    idx = _villages_near_towns(w, hh.peri_urban)
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


def _extend_peri_urban_stock(w: World) -> None:
    """Villages at the edge of the growing towns join the stock: the year's city arrivals."""
    per_migrant = w.cfg.reclassification.peri_urban_persons_per_city_migrant
    arrivals = w.flows.totals.get(NET_CITY_ARRIVALS, 0.0)
    if per_migrant <= 0 or arrivals <= 0:
        return
    idx = _villages_near_towns(w, ~w.hh.peri_urban)
    persons = (w.hh.weight[idx] * w.hh.size_of(idx)).sum(dtype=np.float64)
    share = min(per_migrant * arrivals / max(persons, 1.0), 1.0)
    w.hh.peri_urban[idx[w.rng.random(idx.size) < share]] = True


def _villages_near_towns(w: World, mask: np.ndarray) -> np.ndarray:
    """Rows of ``mask`` living at home in a rural area that has a town."""
    hh, places = w.hh, w.places
    idx = np.flatnonzero(mask & (hh.location == hh.origin))
    return idx[places.is_rural[hh.location[idx]] & (places.town_of[hh.location[idx]] >= 0)]


def peri_urban_share_now(w: World) -> float:
    """The stock's share of the village households at home near a town (by weight)."""
    idx = _villages_near_towns(w, np.ones(len(w.hh), dtype=bool))
    weight = w.hh.weight[idx].astype(np.float64)
    return float(weight[w.hh.peri_urban[idx]].sum() / max(weight.sum(), 1e-12))


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
        doc="Share of each rural area's village households living, at the start, in villages "
        "its town will absorb: the stock in-situ urbanization draws down (a fitted set gives "
        "the share its fit's path reached in the scenario's start year; the default is an "
        "assumption).",
    )
    peri_urban_persons_per_city_migrant: float = lever(
        0.0,
        unit="persons/person",
        low=0,
        high=20,
        doc="Persons of village households at home near a town who join the peri-urban stock "
        "each year per net arrival in the region's cities that year, as urban land follows "
        "the migrants taken in (estimated in fitted behaviour sets; 0: the stock is used up "
        "once).",
        seeds="000 (十五); 002 (十七) (urban construction land tied to migrants settled)",
    )
    hukou_conversion_share: float = lever(
        0.0,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of reclassified households converted to urban hukou (e.g. land-expropriated).",
    )
