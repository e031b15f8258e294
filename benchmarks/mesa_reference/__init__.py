"""The core rules written the way a Mesa user would: one ``mesa.Agent`` per household.

This is the yardstick for the vectorized engine (``model/``), not a second model to maintain:
it exists to measure the speedup (``python -m benchmarks.compare_mesa``) and, in
``tests/test_mesa_reference.py``, to check that the two engines agree statistically.

Each household is an agent with Python attributes; each place is an agent too. A step calls the
same phases in the same order as :data:`model.PHASES`, each as ``shuffle_do`` over the
households (first come, first served in random order is the lottery of the vectorized engine),
with capacities (formal jobs, school seats, settlement quotas) kept on the place agents.

The rules covered are those active in :data:`COMPARISON_LEVERS` (the demo region): economic
growth, months in place (demography is off, so ages are frozen as in the engine), separations
and the formal-job lottery with informal work (Harris–Todaro wages), insurance months, residence
permits, the open / conditions / points settlement rules with an annual quota and family
following, the location choice (multinomial logit over village, cities and outside, with the
village's pull rising with the head's age and each city's settling option at its recent settling
rate), applications to settle, migrant school seats with a poverty priority, kept land rights,
and paid homestead withdrawal. Public rental housing, rental subsidies, private schools, the
hukou moves of :mod:`model.hukou_moves` and the programme levers (dibao, training, employment
services, loans, flexible insurance, fiscal links, reclassification, demography) are switched
off in both engines by :data:`COMPARISON_LEVERS`, and the reference leaves them out.

The agents are in :mod:`.locales` and :mod:`.households`, the model and the comparison scenario
in :mod:`.model` (the layout of Mesa's own examples).
"""

from benchmarks.mesa_reference.households import Household
from benchmarks.mesa_reference.locales import Locale
from benchmarks.mesa_reference.model import (
    COMPARISON_LEVERS,
    RATE_COLUMNS,
    MesaReferenceModel,
    comparison_config,
    rate_differences,
)

__all__ = [
    "COMPARISON_LEVERS",
    "RATE_COLUMNS",
    "Household",
    "Locale",
    "MesaReferenceModel",
    "comparison_config",
    "rate_differences",
]
