"""The probes of the lever-effect table: which levers move, across what range, and why a lever
may show no measurable effect (data for :mod:`experiments.lever_effects`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Probe:
    """A lever moved from ``low`` to ``high``: values, or ``xF`` for F times the configured one."""

    key: str  # ``cities.*.<...>`` for a city lever
    low: str
    high: str
    why: str = ""  # why the lever may show no measurable effect here


P = Probe
# sichuan_2019 has more public-school places open to migrant children than children enrolled
# (2.3 M places; 1.2-1.6 M children in 2019-2022, all in public schools at 20,000 households).
SEATS_NOT_BINDING = "seats are not scarce in Sichuan (2.3 M places for 1.2-1.6 M migrant pupils)"

PROBES: tuple[Probe, ...] = (
    P(
        "cities.*.settlement.min_residence_months",
        "36",
        "0",
        why="in Sichuan only Chengdu's points rule applies it; not traced further",
    ),
    P(
        "cities.*.settlement.min_insurance_months",
        "36",
        "0",
        why="in Sichuan only Chengdu's points rule applies it; not traced further",
    ),
    P(
        "cities.*.settlement.rental_counts_as_stable_housing",
        "false",
        "true",
        why="used only by the conditions rule, which no city of sichuan_2019 has",
    ),
    P("cities.*.settlement.family_follows", "false", "true", why="not traced"),
    P(
        "cities.*.housing.public_rental_units",
        "x1",
        "x4",
        why="units serve the hukou population (and the registered poor) under the income "
        "ceiling, so they add to the settling gain of migrants in need only (about half of the "
        "non-hukou residents), by about 100 CNY a month for those in need (access 0.2-0.3 -> "
        "0.7-0.9); on 8 seeds without parameter draws the hukou rate rises 0.11 on average "
        "(7 of 8 above zero; -0.01 to +0.15 with the other fits of this round): smaller than "
        "the noise of paired runs whose streams part",
    ),
    P(
        "cities.*.housing.poverty_registered_may_apply",
        "false",
        "true",
        why="the registered poor are 8 % of rural households; once housed, settling adds less",
    ),
    P(
        "cities.*.housing.public_rental_basis",
        "hukou",
        "permit",
        why=(
            "units are full under either basis and serve only households under the income ceiling, "
            "which most migrant households exceed"
        ),
    ),
    P(
        "cities.*.housing.income_ceiling_cny_per_month",
        "x0.5",
        "x2",
        why=(
            "more households qualify and more is paid; units stay full and the subsidy is for hukou"
            " holders"
        ),
    ),
    P(
        "cities.*.housing.public_rental_lease_months",
        "120",
        "24",
        why="not traced: faster turnover re-lets the same units to a long queue",
    ),
    P(
        "cities.*.housing.rental_subsidy_cny_per_month",
        "0",
        "600",
        why=(
            "for hukou holders only in Sichuan: it reaches settled renters and adds to the settling"
            " gain of those under the ceiling, too few to move settling measurably"
        ),
    ),
    P(
        "cities.*.housing.rental_subsidy_basis",
        "hukou",
        "permit",
        why="permit holders are paid too (outlay); what settling would add shrinks, and both "
        "rates stay within noise",
    ),
    P("cities.*.schooling.enrolment_basis", "hukou", "permit", why="not traced"),
    P("cities.*.schooling.migrant_school_seats", "x1", "x3", why=SEATS_NOT_BINDING),
    P(
        "capacity.public_rental_growth_pct_per_year",
        "0",
        "10",
        why="as four times the units",
    ),
    P("capacity.school_seats_growth_pct_per_year", "0", "10", why=SEATS_NOT_BINDING),
    P(
        "fiscal.transfer_per_settled_person_cny",
        "0",
        "50000",
        why="the transfers build units and seats (capacity.transfer_spent_share); the units "
        "act as more units do, within noise, and " + SEATS_NOT_BINDING,
    ),
    P(
        "fiscal.construction_land_m2_per_settled_person",
        "0",
        "100",
        why=(
            "by design: the quota earned is booked (and valued in the net outlay); it builds units "
            "only with capacity.land_quota_public_rental_share above 0"
        ),
    ),
    P(
        "capacity.land_quota_public_rental_share",
        "0",
        "0.2",
        why="builds units, which here raise the resident rate within noise (as more units do)",
    ),
    P(
        "residence_permit.months_required",
        "24",
        "0",
        why="permits come sooner and open services sooner (outlay); not traced further",
    ),
    P(
        "land.contract_land_kept_share",
        "0",
        "1",
        why=(
            "settled persons rise (interval touches zero); settling earns transfers and quota, so "
            "the net outlay falls"
        ),
    ),
    P(
        "land.collective_income_kept_share",
        "0",
        "1",
        why="as above, with a smaller income at stake",
    ),
    P(
        "land.homestead_kept_share",
        "0",
        "1",
        why="settled persons rise (interval touches zero); net outlay falls as above",
    ),
    P(
        "land.homestead_compensation_cny",
        "0",
        "100000",
        why="the offer counts in the settling gain: the compensation over the planning horizon "
        "less the homestead's value",
    ),
    P(
        "land.collective_income_withdrawal_enabled",
        "false",
        "true",
        why="the mean collective dividend is 50 CNY a month: ten years of it, spread over the "
        "five-year planning horizon, add about 50 CNY a month to the settling gain",
    ),
    P(
        "hukou_moves.graduates_move_freely",
        "false",
        "true",
        why="only Chengdu's points rule and quota keep anyone out in sichuan_2019; elsewhere "
        "graduates are eligible anyway",
    ),
    P(
        "hukou_moves.returnee_origin_settlement_share",
        "0",
        "0.3",
        why="only returnees who start a business at home qualify, and sichuan_2019 offers no "
        "returnee loans, so none does",
    ),
    P(
        "hukou_moves.region_transfer",
        "false",
        "true",
        why="by design the hukou rate cannot move (the hukou is urban already); it changes "
        "where settled households may use hukou-based services",
    ),
    P(
        "assistance.urban_standard_cny_per_person_month",
        "x1",
        "x1.5",
        why=(
            "more recipients and larger benefits; the expected dibao enters location choices but "
            "moves no rate measurably"
        ),
    ),
    P(
        "assistance.unified_standard",
        "false",
        "true",
        why="as above, for rural recipients",
    ),
    P(
        "assistance.months_residence_where_not_registered",
        "36",
        "0",
        why="migrants claim sooner where they live; moves no rate measurably",
    ),
    P(
        "assistance.months_kept_after_exit",
        "0",
        "12",
        why=(
            "recipients keep the benefit longer; not in any choice (a claim's length is not "
            "expected)"
        ),
    ),
    P(
        "assistance.temporary_relief_cny",
        "0",
        "2000",
        why="by design: paid after a job loss, not expected in any choice",
    ),
    P("skills.training_places_per_year", "x0", "x4", why="not traced"),
    P(
        "employment_support.places_per_year",
        "0",
        "200000",
        why="hires the hard to employ into formal jobs, most of whom already had informal work "
        "in town: incomes and insurance months rise, choices barely",
    ),
    P(
        "employment_support.public_welfare_posts",
        "0",
        "200000",
        why="village posts for poor households at home: they stay rather than leave",
    ),
    P("skills.employment_service_share", "0", "0.5", why="not traced"),
    P(
        "skills.arrears_protection_share",
        "0",
        "1",
        why="recovered informal wages raise migrant incomes a little (sichuan_2019 sets no "
        "arrears share of its own); not traced further",
    ),
    P(
        "skills.returnee_loan_cny",
        "0",
        "100000",
        why="loans draw some migrants home; both rates within noise at this size",
    ),
    P(
        "skills.city_business_loan_cny",
        "0",
        "100000",
        why="a business adds 1,000 CNY a month where it is and is lost by moving: those who take "
        "a loan (2 % of eligible households a year) stay; not traced further",
    ),
    P(
        "skills.loan_interest_subsidy_share",
        "0",
        "1",
        why=(
            "sichuan_2019 makes no returnee loans (skills.returnee_loan_cny = 0): nothing to "
            "subsidize"
        ),
    ),
    P(
        "insurance.flexible_enrolment_per_month",
        "0",
        "0.05",
        why=(
            "not traced: enrolled informal workers accrue insurance months, which only Chengdu's "
            "points rule counts"
        ),
    ),
    P(
        "insurance.portability_share",
        "0",
        "1",
        why="carried-over insurance months count only under Chengdu's points rule",
    ),
    P(
        "insurance.medical_without_hukou",
        "false",
        "true",
        why="health cover enters location choices; moves no rate measurably here",
    ),
    P(
        "pensions.resident_pension_cny_per_month",
        "x1",
        "x3",
        why=(
            "raises old-age income at home and in town alike; the net outlay falls because pensions"
            " are booked as income, not outlay, while fewer need the dibao"
        ),
    ),
    P(
        "assistance.pays_income_gap",
        "false",
        "true",
        why="by design it changes what recipients are paid; the line, and so who claims, stays",
    ),
    P(
        "assistance.able_bodied_dibao_registered_poor",
        "false",
        "true",
        why="registration puts them first for public rental, schools and training",
    ),
    P(
        "insurance.registered_poor_full_cover",
        "false",
        "true",
        why="full cover in the cities adds to the pull of the cities for the registered poor",
    ),
    P(
        "pensions.premiums_paid_for_poor",
        "false",
        "true",
        why="by design: premiums paid for the poor enter no choice",
    ),
    P(
        "economy.rent_population_elasticity",
        "0",
        "0.5",
        why="not traced: at 0.5 a city 20 % larger than at the start charges 10 % more rent; "
        "the cities are balanced at the start, so none grows fast enough for rents to bite",
    ),
    P(
        "provident_fund.contribution_rate_pct",
        "5",
        "12",
        why=(
            "at migrants' default coverage (0.15) the contribution is too small to move moving or "
            "staying measurably"
        ),
    ),
    P(
        "provident_fund.migrant_employee_coverage_share",
        "0",
        "0.6",
        why="the fund's value enters location choices only; settled persons rise within noise",
    ),
)
