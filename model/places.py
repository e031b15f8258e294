"""Places: rural areas, cities and towns, and the destination outside the region.

Places are few, so each is a ``mesa.Agent`` (Mesa users find them in ``model.agents``), but their
numbers live in per-place arrays (``PlaceTable``) indexed by place, so that household phases look
them up in one vectorized gather. Place index order: rural areas, then cities, then outside.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING

import mesa
import numpy as np

from model import skills
from model.capacity import CapacityFunds
from model.housing import HousingPolicy, HousingTable
from model.levers import lever, section
from model.schooling import SchoolingPolicy, SchoolTable
from model.settlement import SettlementRule, SettlementTable

if TYPE_CHECKING:
    from model.config import RunConfig


class PlaceKind(IntEnum):
    """What a place is."""

    RURAL = 0
    CITY = 1
    OUTSIDE = 2


@dataclass
class RuralAreaConfig:
    """A rural area of the region: its people and its farm labour market."""

    initial_households: float = lever(
        0.0, unit="households", low=0, high=1e9, doc="Real households living here at the start."
    )
    rural_wage_cny_per_month: float = lever(
        2000.0,
        unit="CNY/worker/month",
        low=0,
        high=1e6,
        doc="Farm and local wage per worker at the reference rural labour.",
    )
    rural_wage_elasticity: float = lever(
        0.0,
        unit="elasticity",
        low=0,
        high=5,
        doc="How fast the rural wage falls as rural labour grows: w = w0 (L/L_ref)^-e.",
    )
    reference_rural_labor: float = lever(
        1.0,
        unit="workers",
        low=1e-9,
        high=1e10,
        doc="Rural labour at which the rural wage equals rural_wage_cny_per_month.",
    )
    town: str = lever(
        "",
        unit="city name",
        doc="City or town into which parts of this area are reclassified as urban ('' = none).",
    )


@dataclass
class CityConfig:
    """A city or town of the region: labour market, rents, and its own policy rules."""

    tier: int = lever(2, unit="tier", low=1, high=5, doc="City tier (1 = provincial capital).")
    initial_native_households: float = lever(
        0.0, unit="households", low=0, high=1e9, doc="Real urban-hukou households at the start."
    )
    initial_migrant_households: float = lever(
        0.0,
        unit="households",
        low=0,
        high=1e9,
        doc="Real rural-hukou migrant households of the region living here at the start.",
    )
    initial_inflow_households: float = lever(
        0.0,
        unit="households",
        low=0,
        high=1e9,
        doc="Real households from outside the region (hukou elsewhere) living here at the start; "
        "residents, not registered, until they settle.",
    )
    formal_jobs: float = lever(
        0.0, unit="workers", low=0, high=1e10, doc="Formal jobs with social insurance."
    )
    formal_jobs_growth_pct_per_year: float = lever(
        0.0,
        unit="%/year",
        low=-50,
        high=50,
        doc="Growth of the city's formal jobs (economic scenario, not policy).",
    )
    formal_wage_cny_per_month: float = lever(
        5000.0, unit="CNY/worker/month", low=0, high=1e6, doc="Wage of a formal job."
    )
    informal_wage_cny_per_month: float = lever(
        3000.0, unit="CNY/worker/month", low=0, high=1e6, doc="Wage of informal work."
    )
    informal_job_share: float = lever(
        1.0,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Share of workers without a formal job who find informal work (rest unemployed).",
    )
    rent_cny_per_month: float = lever(
        1000.0, unit="CNY/household/month", low=0, high=1e6, doc="Market rent of a home."
    )
    amenity_cny_per_month: float = lever(
        0.0,
        unit="CNY/household/month",
        low=-1e6,
        high=1e6,
        doc="Money-equivalent value of living here beyond what is modelled.",
    )
    settlement: SettlementRule = section(SettlementRule, "settlement rule")
    housing: HousingPolicy = section(HousingPolicy, "housing support")
    schooling: SchoolingPolicy = section(SchoolingPolicy, "school access")


@dataclass
class OutsideConfig:
    """Destinations outside the region (registered residents there keep the region's hukou)."""

    enabled: bool = lever(True, unit="flag", doc="Households may live outside the region.")
    initial_migrant_households: float = lever(
        0.0,
        unit="households",
        low=0,
        high=1e9,
        doc="Real households of the region living outside it at the start.",
    )
    formal_job_share: float = lever(
        0.5, unit="share 0-1", low=0, high=1, doc="Chance that a mover outside finds formal work."
    )
    formal_wage_cny_per_month: float = lever(
        5500.0, unit="CNY/worker/month", low=0, high=1e6, doc="Formal wage outside the region."
    )
    informal_wage_cny_per_month: float = lever(
        3500.0, unit="CNY/worker/month", low=0, high=1e6, doc="Informal wage outside the region."
    )
    rent_cny_per_month: float = lever(
        1200.0, unit="CNY/household/month", low=0, high=1e6, doc="Rent outside the region."
    )
    school_access_share: float = lever(
        0.3,
        unit="share 0-1",
        low=0,
        high=1,
        doc="Chance that the children of a household moving outside can study with it.",
    )


@dataclass
class LabourTable:
    """Per-place labour-market parameters and state."""

    formal_jobs: np.ndarray  # current formal jobs (grow each step at jobs_growth)
    jobs_growth_per_year: np.ndarray  # fraction per year
    formal_wage: np.ndarray
    informal_wage: np.ndarray
    informal_job_share: np.ndarray
    rural_wage_base: np.ndarray
    rural_wage_elasticity: np.ndarray
    reference_rural_labor: np.ndarray
    is_outside: np.ndarray
    outside_formal_share: np.ndarray
    work_finding_share: np.ndarray  # chance of informal work without a formal job (services in)
    informal_paid_share: float  # share of informal wages actually paid (arrears, recovery)
    trained_first: bool  # trained workers head the formal-job queue (training runs)
    subsidized_jobs: np.ndarray = field(default=None)  # formal jobs a hiring subsidy created
    labor: np.ndarray = field(default=None)  # workers living at each place
    formal_filled: np.ndarray = field(default=None)  # formal jobs held
    rural_wage: np.ndarray = field(default=None)  # current rural wage (rural places)
    expected_urban_wage: np.ndarray = field(default=None)  # Harris–Todaro expectation


@dataclass
class PlaceTable:
    """All places: names, kinds, market values and the per-place policy tables."""

    names: list[str]
    kind: np.ndarray  # int8 PlaceKind
    rent_cny_per_month: np.ndarray  # market rent this step (wage-indexed rent x crowding)
    rent_base_cny_per_month: np.ndarray  # wage-indexed rent, before crowding
    reference_residents: np.ndarray  # persons living at each place at the start
    amenity_cny_per_month: np.ndarray
    town_of: np.ndarray  # int16, per rural area the place it is reclassified into (-1: none)
    outside_school_access_share: float
    labour: LabourTable
    settlement: SettlementTable
    housing: HousingTable
    schooling: SchoolTable
    funds: CapacityFunds  # transfers and land quota earned, not yet built

    @property
    def n(self) -> int:
        """Number of places."""
        return len(self.names)

    @property
    def is_rural(self) -> np.ndarray:
        return self.kind == PlaceKind.RURAL

    @property
    def is_city(self) -> np.ndarray:
        return self.kind == PlaceKind.CITY

    @property
    def is_outside(self) -> np.ndarray:
        return self.kind == PlaceKind.OUTSIDE

    @property
    def city_places(self) -> np.ndarray:
        return np.flatnonzero(self.is_city)

    @property
    def outside_place(self) -> int | None:
        hits = np.flatnonzero(self.is_outside)
        return int(hits[0]) if hits.size else None

    def index(self, name: str) -> int:
        """Place index of a place name."""
        return self.names.index(name)

    @classmethod
    def from_config(cls, cfg: RunConfig) -> PlaceTable:
        """Build the table from the rural areas, cities and outside of a run config."""
        rural_names = list(cfg.rural_areas)
        city_names = list(cfg.cities)
        names = rural_names + city_names + (["outside"] if cfg.outside.enabled else [])
        n = len(names)
        kind = np.array(
            [PlaceKind.RURAL] * len(rural_names)
            + [PlaceKind.CITY] * len(city_names)
            + [PlaceKind.OUTSIDE] * (n - len(rural_names) - len(city_names)),
            dtype=np.int8,
        )
        rurals = list(cfg.rural_areas.values())
        cities = list(cfg.cities.values())
        city_slots = list(range(len(rural_names), len(rural_names) + len(city_names)))
        out = n - 1 if cfg.outside.enabled else None

        def per_place(rural_get, city_get, outside_get, fill=0.0) -> np.ndarray:
            values = np.full(n, fill, dtype=np.float64)
            for i, r in enumerate(rurals):
                values[i] = rural_get(r) if rural_get else fill
            for slot, c in zip(city_slots, cities, strict=True):
                values[slot] = city_get(c) if city_get else fill
            if out is not None and outside_get:
                values[out] = outside_get(cfg.outside)
            return values

        informal_job_share = per_place(None, lambda c: c.informal_job_share, lambda o: 1.0)
        labour = LabourTable(
            formal_jobs=per_place(None, lambda c: c.formal_jobs, None),
            jobs_growth_per_year=per_place(
                None, lambda c: c.formal_jobs_growth_pct_per_year / 100, None
            ),
            formal_wage=per_place(
                None, lambda c: c.formal_wage_cny_per_month, lambda o: o.formal_wage_cny_per_month
            ),
            informal_wage=per_place(
                None,
                lambda c: c.informal_wage_cny_per_month,
                lambda o: o.informal_wage_cny_per_month,
            ),
            informal_job_share=informal_job_share,
            rural_wage_base=per_place(lambda r: r.rural_wage_cny_per_month, None, None),
            rural_wage_elasticity=per_place(lambda r: r.rural_wage_elasticity, None, None),
            reference_rural_labor=per_place(lambda r: r.reference_rural_labor, None, None, 1.0),
            is_outside=kind == PlaceKind.OUTSIDE,
            outside_formal_share=per_place(None, None, lambda o: o.formal_job_share),
            work_finding_share=skills.work_finding_share(cfg.skills, informal_job_share),
            informal_paid_share=skills.informal_paid_share(cfg.skills),
            trained_first=cfg.skills.training_places_per_year > 0,
            subsidized_jobs=np.zeros(n),
        )
        town_of = np.full(n, -1, dtype=np.int16)
        for i, r in enumerate(rurals):
            if r.town:
                town_of[i] = names.index(r.town)
        rent = per_place(None, lambda c: c.rent_cny_per_month, lambda o: o.rent_cny_per_month)
        return cls(
            names=names,
            kind=kind,
            rent_cny_per_month=rent,
            rent_base_cny_per_month=rent.copy(),
            reference_residents=np.zeros(n),
            amenity_cny_per_month=per_place(
                None,
                lambda c: c.amenity_cny_per_month,
                lambda _: cfg.behavior.outside_amenity_cny_per_month,
            ),
            town_of=town_of,
            outside_school_access_share=cfg.outside.school_access_share,
            labour=labour,
            settlement=SettlementTable.build(n, city_slots, [c.settlement for c in cities]),
            housing=HousingTable.build(n, city_slots, [c.housing for c in cities]),
            schooling=SchoolTable.build(n, city_slots, [c.schooling for c in cities]),
            funds=CapacityFunds.empty(n),
        )


class Place(mesa.Agent):
    """A place as a Mesa agent: a named view onto its row of the place table."""

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def name(self) -> str:
        return self.model.world.places.names[self.index]

    @property
    def kind(self) -> PlaceKind:
        return PlaceKind(int(self.model.world.places.kind[self.index]))

    @property
    def labor(self) -> float:
        """Workers living here (real persons)."""
        return float(self.model.world.places.labour.labor[self.index])

    @property
    def formal_jobs_filled(self) -> float:
        return float(self.model.world.places.labour.formal_filled[self.index])

    def __repr__(self) -> str:
        return f"Place({self.name!r}, {self.kind.name.lower()})"
