"""The world a phase works on: household arrays, places, the config, the generator, the clock."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from model.compiled import sum_by_place
from model.config import RunConfig
from model.households import Households
from model.places import PlaceTable


@dataclass
class YearFlows:
    """Flows summed over the current calendar year (reset at each year-end)."""

    n_places: int
    totals: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    by_place: dict[str, np.ndarray] = field(default_factory=dict)

    def add(self, name: str, value: float) -> None:
        """Add ``value`` to the region-wide flow ``name``."""
        self.totals[name] += float(value)

    def add_by_place(self, name: str, place: np.ndarray, values: np.ndarray) -> None:
        """Add ``values`` to flow ``name`` at the given places."""
        if name not in self.by_place:
            self.by_place[name] = np.zeros(self.n_places)
        self.by_place[name] += sum_by_place(place, values, self.n_places)

    def reset(self) -> None:
        """Start a new calendar year."""
        self.totals = defaultdict(float)
        self.by_place = {}


@dataclass
class World:
    """State shared by the phases of a step. Phases change it only through these fields."""

    hh: Households
    places: PlaceTable
    cfg: RunConfig
    rng: np.random.Generator
    month: int = 0  # months simulated since the initial state
    months_run: int = 0  # months simulated including the spin-up: the clock of periodic reviews
    flows: YearFlows = None  # type: ignore[assignment]
    price_level: float = 1.0  # wages and market prices relative to the start year

    def __post_init__(self) -> None:
        if self.flows is None:
            self.flows = YearFlows(self.places.n)

    @property
    def months_per_step(self) -> int:
        return self.cfg.months_per_step

    @property
    def year(self) -> int:
        """Calendar year of the state after the current month."""
        return self.cfg.start_year + self.month // 12

    def cny(self, start_year_cny: float) -> float:
        """A behaviour value given in start-year CNY, in current prices."""
        return start_year_cny * self.price_level

    def equivalent_persons(self, idx: np.ndarray) -> np.ndarray:
        """Equivalent persons of households ``idx``: persons ** elasticity (float32, at least 1).

        Money in choices counts per equivalent person (see :mod:`model.location_utility`).
        """
        persons = np.maximum(self.hh.size_of(idx), 1).astype(np.float32)
        return persons ** np.float32(self.cfg.behavior.equivalence_elasticity)

    def review_probability(self) -> float:
        """Chance that a household reconsiders its choices during one step."""
        p_month = self.cfg.behavior.review_prob_per_month
        return 1.0 - (1.0 - p_month) ** self.months_per_step

    def count_by_place(
        self, mask: np.ndarray, per_household: np.ndarray | None = None
    ) -> np.ndarray:
        """Real households (or ``per_household`` units) in ``mask``, summed by current place."""
        rows = np.flatnonzero(mask)
        weights = self.hh.weight[rows].astype(np.float64)
        if per_household is not None:
            weights = weights * per_household[rows]
        return sum_by_place(self.hh.location[rows], weights, self.places.n)
