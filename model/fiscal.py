"""Fiscal links of settlement: money and land follow the people who settle.

Seeds: 000 (十五) (fiscal rewards to places that settle poor migrants; urban construction land
tied to settlement; homestead land reclaimed in the origin may be used as construction-land quota
in the destination), 002 (十六)-(十七) (rewards per settled migrant from the province; construction
land tied to the number settled), 004 (六) (transfers tied to settlement of the agricultural
population).

Each lever's outlay is booked by its own module (``outlay_*`` flows); this module books what the
settling cities receive and hands it to ``capacity``, which turns it into units and seats.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model import capacity
from model.levers import lever

if TYPE_CHECKING:
    from model.world import World


@dataclass
class FiscalPolicy:
    """Transfers and land quotas tied to settlement (region)."""

    transfer_per_settled_person_cny: float = lever(
        0.0,
        unit="CNY/person",
        low=0,
        high=1e7,
        doc="Transfer a city receives from higher levels per person it settles (人钱挂钩).",
        seeds="000 (十五); 002 (十六); 004 (六)",
    )
    construction_land_m2_per_settled_person: float = lever(
        0.0,
        unit="m2/person",
        low=0,
        high=1e4,
        doc="Urban construction land quota granted per person settled (人地挂钩).",
        seeds="000 (十五); 002 (十七)",
    )
    homestead_reclaimed_m2: float = lever(
        0.0,
        unit="m2/homestead",
        low=0,
        high=1e5,
        doc="Construction-land quota from reclaiming a withdrawn homestead, moved to the city "
        "where the household settled.",
        seeds="000 (十五)",
    )


def book_settlement(w: World, city: np.ndarray, persons: np.ndarray) -> None:
    """Transfers and land quota earned by ``city`` for ``persons`` just settled there."""
    policy = w.cfg.fiscal
    transfers = persons * policy.transfer_per_settled_person_cny
    w.flows.add("transfers_received_cny", transfers.sum())
    w.flows.add_by_place("transfers_received_cny", city, transfers)
    land_m2 = persons * policy.construction_land_m2_per_settled_person
    w.flows.add("construction_land_quota_m2", land_m2.sum())
    w.flows.add_by_place("construction_land_quota_m2", city, land_m2)
    capacity.receive(w, city, transfers, land_m2)


def book_homestead_reclamation(w: World, city: np.ndarray, homesteads: np.ndarray) -> None:
    """Quota from reclaimed homesteads of households settled in ``city`` (real homesteads)."""
    m2 = homesteads * w.cfg.fiscal.homestead_reclaimed_m2
    w.flows.add("homestead_reclamation_quota_m2", m2.sum())
    w.flows.add("construction_land_quota_m2", m2.sum())
    w.flows.add_by_place("construction_land_quota_m2", city, m2)
    capacity.receive(w, city, np.zeros_like(m2), m2)
