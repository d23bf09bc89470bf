"""The project's risk register: ten risks to Kazakhstan's trade with and through Afghanistan.

Each risk names the sourced evidence that informs its likelihood and impact, with the scale
(goalposts) that evidence is placed on and the reason for both. Scales follow one of three
conventions, named in each ``role``: the indicator's own published range (GTI 0–10, CPI
0–100, WGI −2.5..+2.5, FSI 0–120, WJP 0–1, percentages 0–100); for counts and amounts
without a natural ceiling, a round number at or above the largest value on record, so that
the worst case seen sits near the top (INFORM sets its goalposts the same way); for event
counts, a number of events in three years that would mean the risk is recurring every year
or more. A risk with no evidence in ``data/`` says so and is scored "insufficient data".
The scoring rule itself is in :mod:`kzaf.risk.register`.
"""

from __future__ import annotations

from kzaf.risk.register import EventEvidence as Events
from kzaf.risk.register import IndicatorEvidence as Indicator
from kzaf.risk.register import Risk
from kzaf.text.words import name_codes

LIKELY, IMPACT = "likelihood", "impact"

RISK_REGISTER: tuple[Risk, ...] = (
    Risk(
        "R1",
        "Terrorism and militancy spillover",
        "Armed groups based in Afghanistan, above all Islamic State–Khorasan, attack along the "
        "route or carry violence into the Central Asian transit states.",
        (
            Indicator(
                "gti_score",
                "AFG",
                LIKELY,
                (0, 10),
                "How much terrorism Afghanistan suffers (Global Terrorism Index, its own "
                "0–10 scale).",
            ),
            Indicator(
                "iskp_fighters",
                "iskp",
                LIKELY,
                (0, 10_000),
                "Strength of the group most likely to strike Central Asia (UN Monitoring "
                "Team and others; ranges kept). Scale to 10,000, the CSTO's figure for all "
                "militant groups together.",
            ),
            Indicator(
                "gti_score",
                "UZB",
                LIKELY,
                (0, 10),
                "Terrorism realised in Uzbekistan, the rail gateway (GTI 0–10).",
            ),
            Indicator(
                "gti_score",
                "TJK",
                LIKELY,
                (0, 10),
                "Terrorism realised in Tajikistan, on the northern Afghan border (GTI 0–10).",
            ),
            Events(
                "security_incident",
                LIKELY,
                (0, 3),
                "Attacks touching the corridor (rockets on Termez, the Gwadar port attack) "
                "in three years; three would mean about one a year.",
            ),
            Indicator(
                "terrorism_deaths",
                "AFG",
                IMPACT,
                (0, 10_000),
                "How lethal terrorism in Afghanistan is when it strikes; 10,000 deaths is "
                "above the worst Afghan year on record (about 7,400 in 2018).",
            ),
            Indicator(
                "terrorism_economic_impact_pct_gdp",
                "AFG",
                IMPACT,
                (0, 30),
                "Economic cost of violence as a share of Afghan GDP (Institute for "
                "Economics and Peace); 30% is above the highest Afghan figure on record.",
            ),
            Indicator(
                "import_share_via_hairatan",
                "AFG",
                IMPACT,
                (0, 100),
                "Share of Afghan imports that pass the single Termez–Hairatan crossing, "
                "percent: an attack there (it was shelled in 2022) would stop that much trade.",
            ),
        ),
    ),
    Risk(
        "R2",
        "Non-recognition and payments isolation",
        "No state but Russia recognises the Taliban government, so banks, correspondent "
        "accounts and insurers stay closed to Afghan trade and payments cost more.",
        (
            Events(
                "recognition_step",
                LIKELY,
                (0, 6),
                "Steps towards recognition (ambassadors accepted, embassies handed over, "
                "formal recognition) in three years; higher is safer. Six would mean "
                "normalisation under way with most neighbours.",
                direction="higher_safer",
            ),
            Indicator(
                "frozen_assets",
                "AFG",
                LIKELY,
                (0, 10),
                "Afghan central-bank reserves frozen abroad, USD billion: while they stay "
                "frozen, foreign-exchange payments remain constrained. Scale to 10, just "
                "above the largest figure (9.5).",
            ),
            Indicator(
                "transaction_fee",
                "AFG",
                IMPACT,
                (0, 10),
                "Cost of a cross-border payment to Afghanistan, percent of its value: what "
                "isolation adds to every sale. 10% would wipe out a typical trading "
                "margin.",
            ),
        ),
    ),
    Risk(
        "R3",
        "Pakistan–Afghanistan border conflict",
        "Clashes between Pakistan and the Taliban, and Pakistani pressure over the TTP, close "
        "Torkham and Chaman and cut the southern outlet to Pakistani ports.",
        (
            Events(
                "border_closure",
                LIKELY,
                (0, 4),
                "Closures of the Afghan–Pakistani crossings in three years (reports of one "
                "closure count once); four would mean more than one a year.",
                countries=("PAK", "AFG"),
                episodes=True,
            ),
            Indicator(
                "wgi_political_stability",
                "PAK",
                LIKELY,
                (-2.5, 2.5),
                "Political stability and absence of violence in Pakistan (World Bank "
                "governance indicator, its own −2.5 to +2.5 scale); higher is safer.",
            ),
            Indicator(
                "gti_score",
                "PAK",
                LIKELY,
                (0, 10),
                "Terrorism in Pakistan (GTI 0–10), driven by the Afghan-based TTP.",
            ),
            Indicator(
                "ttp_fighters",
                "ttp",
                LIKELY,
                (0, 10_000),
                "Strength of the TTP, the group at the heart of the dispute (UN "
                "Monitoring Team ranges); same scale as other groups.",
            ),
            Indicator(
                "group_attacks",
                "ttp",
                LIKELY,
                (0, 1_500),
                "TTP attacks a year; 1,500 is above the highest count on record (about "
                "1,200 in 2023).",
            ),
            Indicator(
                "border_closure_days",
                "torkham",
                IMPACT,
                (0, 60),
                "Length of a Torkham closure, days; 60 days would cost a season's trade.",
            ),
            Indicator(
                "border_trade_loss_per_day",
                "torkham",
                IMPACT,
                (0, 5),
                "Trade lost per day of closure at Torkham, USD million; 5 is above the "
                "highest estimate (about 3).",
            ),
            Indicator(
                "stranded_vehicles",
                "torkham",
                IMPACT,
                (0, 10_000),
                "Trucks stranded by a closure; sources disagree widely (4,000 to 12,000 in "
                "2025), and the range is kept.",
            ),
        ),
    ),
    Risk(
        "R4",
        "Dependence on Uzbekistan",
        "Most Kazakh goods reach Afghanistan by rail through Uzbekistan and the Termez–Hairatan "
        "crossing, which Tashkent can slow, price or stop.",
        (
            Events(
                "border_closure",
                LIKELY,
                (0, 2),
                "Uzbek suspensions of rail freight to Afghanistan in three years; two would "
                "make it a yearly lever.",
                countries=("UZB",),
                episodes=True,
            ),
            Indicator(
                "rail_suspension_days",
                "hairatan_mazar_railway",
                LIKELY,
                (0, 30),
                "Length of the last Uzbek suspension at Hairatan, days; a month would halt "
                "a season's flour shipments.",
            ),
            Indicator(
                "border_queue_hours",
                "kaz_uzb_border",
                LIKELY,
                (0, 72),
                "Queues at the Kazakh–Uzbek crossings, hours; three days would spoil "
                "perishable cargo.",
            ),
            Indicator(
                "import_share_via_hairatan",
                "AFG",
                IMPACT,
                (0, 100),
                "Share of Afghan imports that pass Hairatan, percent.",
            ),
            Indicator(
                "kaz_share_central_asia_trade_uzb",
                "KAZ",
                IMPACT,
                (0, 100),
                "Uzbekistan's share of Kazakhstan's trade with Central Asia, percent.",
            ),
            Indicator(
                "kaz_grain_export_share_uzb_afg",
                "KAZ",
                IMPACT,
                (0, 100),
                "Share of Kazakh wheat and flour exports (to Central Asia and Afghanistan) "
                "going to Uzbekistan and Afghanistan, percent.",
            ),
        ),
    ),
    Risk(
        "R5",
        "Delivery and financing of the railway projects",
        "The trans-Afghan line and the Torghundi–Herat line slip, outgrow their budgets or "
        "find no lender, leaving Kazakh pledges and plans stranded.",
        (
            Indicator(
                "rail_cost_usd_bn",
                "trans_afghan_railway",
                LIKELY,
                (0, 10),
                "Estimated cost of the trans-Afghan line, USD billion (estimates from 4.6 "
                "to 8.2 are kept as a range); 10 is above the highest. The higher the "
                "bill, the harder the financing.",
            ),
            Events(
                "construction_milestone",
                LIKELY,
                (0, 4),
                "Construction steps actually taken on the projects in three years; higher "
                "is safer. Four would mean works moving every year.",
                direction="higher_safer",
            ),
            Indicator(
                "rail_investment_pledge_usd_mn",
                "torghundi_herat_railway",
                IMPACT,
                (0, 1_000),
                "Kazakh money committed to the Torghundi–Herat line, USD million: what is "
                "at stake if it stalls. Scale to USD 1 billion.",
                direction="higher_riskier",
            ),
        ),
    ),
    Risk(
        "R6",
        "Sanctions and EAEU constraints",
        "Western secondary sanctions over trade with Russia, and the Eurasian Economic Union's "
        "common rules, narrow Kazakhstan's room for finance and trade policy.",
        (
            Events(
                "sanctions_listing",
                LIKELY,
                (0, 4),
                "Western sanctions listings of Kazakh firms in three years; four would "
                "mean more than one a year.",
            ),
            Indicator(
                "western_exports_to_kaz_growth",
                "KAZ",
                LIKELY,
                (0, 100),
                "Growth of Western exports to Kazakhstan after 2022, percent: the surge "
                "that drew scrutiny of re-exports to Russia. 100% is a doubling.",
            ),
            Indicator(
                "eu_share_kaz_exports",
                "KAZ",
                IMPACT,
                (0, 100),
                "Share of Kazakh exports sold to the EU, percent: how much the EU's "
                "leverage could cost.",
            ),
        ),
    ),
    Risk(
        "R7",
        "Domestic public opinion",
        "Kazakh public opinion turns against engagement with the Taliban (after the 2023 "
        "delisting, or after an attack), constraining the government.",
        # The data hold polls on attitudes to Russia, not to Afghanistan or the Taliban, and
        # no such poll informs this risk; it is left without evidence on purpose.
        (),
    ),
    Risk(
        "R8",
        "Afghan market fragility",
        "Afghanistan's shrunken, aid-dependent economy and food insecurity leave buyers "
        "unable to pay or demand to collapse, while Kazakh flour depends on that market.",
        (
            Indicator(
                "food_insecure_people",
                "AFG",
                LIKELY,
                (0, 25),
                "People in crisis-level food insecurity or worse, million (IPC 3+); 25 "
                "million is above the peak on record (22.8 million in 2021–22).",
            ),
            Indicator(
                "gdp_growth",
                "AFG",
                LIKELY,
                (-20, 10),
                "Real GDP growth, percent; the scale runs from the 2021 collapse (about "
                "−20%) to 10%. Higher is safer.",
            ),
            Indicator(
                "kaz_flour_export_share_afg",
                "KAZ",
                IMPACT,
                (0, 100),
                "Afghanistan's share of Kazakh flour exports, percent: what Kazakh millers "
                "lose if the market falters.",
            ),
        ),
    ),
    Risk(
        "R9",
        "Governance of transit states",
        "Corruption, weak rule of law and fragility in Afghanistan and the transit states raise "
        "the cost, delay and contract risk of every shipment.",
        (
            Indicator(
                "cpi_score",
                "AFG",
                LIKELY,
                (0, 100),
                "Corruption Perceptions Index, Afghanistan (0–100; higher is cleaner, so safer).",
            ),
            Indicator(
                "cpi_score", "UZB", LIKELY, (0, 100), "Corruption Perceptions Index, Uzbekistan."
            ),
            Indicator(
                "cpi_score", "TKM", LIKELY, (0, 100), "Corruption Perceptions Index, Turkmenistan."
            ),
            Indicator(
                "cpi_score", "PAK", LIKELY, (0, 100), "Corruption Perceptions Index, Pakistan."
            ),
            Indicator(
                "fsi_score",
                "AFG",
                LIKELY,
                (0, 120),
                "Fragile States Index, Afghanistan (its own 0–120 scale).",
            ),
            Indicator(
                "wjp_score",
                "UZB",
                LIKELY,
                (0, 1),
                "Rule of Law Index, Uzbekistan (World Justice Project, 0–1; higher is safer).",
            ),
        ),
    ),
    Risk(
        "R10",
        "Competing routes",
        "Other corridors, above all the North–South route through Turkmenistan and Iran to the "
        "Gulf, draw cargo away from an outlet through Afghanistan to Pakistani ports.",
        (
            Indicator(
                "corridor_capacity_mt_per_year",
                "nstc_eastern_route",
                LIKELY,
                (0, 20),
                "Capacity of the North–South eastern route, million tonnes a year; 20 is "
                "its own 2030 target and the trans-Afghan line's planned capacity.",
                direction="higher_riskier",
            ),
            Indicator(
                "rail_freight_mt",
                "nstc_eastern_route",
                LIKELY,
                (0, 20),
                "Freight the route actually carried, million tonnes, on the same scale: "
                "capacity is potential, freight is diversion realised.",
                direction="higher_riskier",
            ),
        ),
    ),
)

RISK_NAMES: dict[str, str] = {r.risk_id: r.name for r in RISK_REGISTER}
# Readers see a risk's name wherever a table or chart would show its id (kzaf.text.words),
# and the Monte Carlo's factor "weight R3" as the weight of that risk.
name_codes(RISK_NAMES)
name_codes({f"weight {r.risk_id}": f"weight of {r.name}" for r in RISK_REGISTER})
