-- The expansion planner's latest plan of each scenario file (docs/planning.md): one row per scenario
-- and figure, with the mean and the low-high range across the simulation's seeds.
select
    scenario,
    figure,
    round(cast(mean_value as numeric), 3) as mean_value,
    round(cast(low_value as numeric), 3) as low_value,
    round(cast(high_value as numeric), 3) as high_value,
    seeds,
    period_start,
    period_end,
    planned_at
from planning.planning_scenario_results
