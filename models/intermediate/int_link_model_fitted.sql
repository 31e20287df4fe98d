-- The Fellegi-Sunter model of the pairs the rules leave (int_link_pairs_compared), fitted in SQL:
-- one row per comparison level with its m probability (share of true pairs at the level), u
-- probability (share of false pairs), match weight log2(m/u), and the share of window pairs that
-- match (lambda). Comparisons are assumed independent given match status, as Fellegi-Sunter does.
--
-- u is estimated as Splink does, from pairs taken at random: every pair in the date window of a
-- sample of encounters (gives_u), of which all but a handful are false. m and lambda are fitted by
-- EM on the same random pairs with u held fixed: a fixed number of iterations (var
-- linkage_em_iterations) unrolled as CTEs, on the distinct comparison patterns with their pair
-- counts (a few hundred rows however many pairs). The sample holds leftovers and encounters the
-- rules linked (var linkage_em_training_encounters): the leftovers alone are few and mostly
-- walk-ups with no incident, on which EM calls every pair a match. m is also estimated with the
-- prior of macro linkage_fs_start worth var linkage_m_prior_pairs true pairs (maximum a posteriori
-- EM), which keeps a level that the sample rarely shows (a misspelled street) from swinging.
-- Splink would fit a similar model, but as a Python step between two halves of the dbt build; in
-- SQL it runs inside the build on DuckDB and PostgreSQL alike.
{%- set fs = linkage_fs_start() %}
{%- set iterations = var('linkage_em_iterations') %}
{%- set comparisons = fs.comparisons.keys() | list %}
with

all_pairs as (
    select * from {{ ref('int_link_pairs_compared') }}
),

-- EM fits on the same random pairs: on blocked pairs alone, the non-matches would not follow u
-- (blocking keeps the false pairs that agree on something) and EM would call them matches
pairs as (
    select * from all_pairs
    where gives_u
),

-- u: each level's share among all pairs in the window (a null level is not comparable)
random_levels as (
    {%- for c in comparisons %}
    select
        '{{ c }}' as comparison,
        {{ c }}_level as comparison_level,
        count(*) as pair_count
    from all_pairs
    where gives_u and {{ c }}_level is not null
    group by {{ c }}_level
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

u_estimates as (
    select
        comparison,
        comparison_level,
        greatest(
            cast(pair_count as {{ type_double() }}) / sum(pair_count) over (partition by comparison),
            {{ var('linkage_min_probability') }}
        ) as u_probability
    from random_levels
),

patterns as (
    select
        incident_number_level,
        unit_level,
        address_level,
        time_level,
        count(*) as pair_count
    from pairs
    group by incident_number_level, unit_level, address_level, time_level
),

keyed_patterns as (
    select
        *,
        row_number() over (
            order by incident_number_level, unit_level, address_level, time_level
        ) as pattern_id
    from patterns
),

-- a pattern's comparable levels, one row each (a null level carries no evidence)
pattern_levels as (
    {%- for c in comparisons %}
    select
        pattern_id,
        '{{ c }}' as comparison,
        {{ c }}_level as comparison_level,
        cast(pair_count as {{ type_double() }}) as pair_count
    from keyed_patterns
    where {{ c }}_level is not null
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

pattern_sizes as (
    select
        pattern_id,
        cast(pair_count as {{ type_double() }}) as pair_count
    from keyed_patterns
),

prior_m as (
    {%- for c, levels in fs.comparisons.items() %}
    {%- set outer = loop %}
    {%- for level, mu in levels.items() %}
    select
        '{{ c }}' as comparison,
        '{{ level }}' as comparison_level,
        cast({{ mu[0] }} as {{ type_double() }}) as m_probability,
        cast({{ mu[1] }} as {{ type_double() }}) as u_probability
    {% if not (loop.last and outer.last) %}union all{% endif %}
    {%- endfor %}
    {%- endfor %}
),

parameters_0 as (
    select
        prior_m.comparison,
        prior_m.comparison_level,
        prior_m.m_probability,
        coalesce(u_estimates.u_probability, prior_m.u_probability) as u_probability
    from prior_m
    left join u_estimates
        on
            prior_m.comparison = u_estimates.comparison
            and prior_m.comparison_level = u_estimates.comparison_level
),

lambda_0 as (
    select cast({{ fs.lambda }} as {{ type_double() }}) as match_share
),
{% for i in range(iterations) %}
-- iteration {{ i + 1 }}: each pattern's probability of being a match under the current parameters ...
likelihoods_{{ i }} as (
    select
        pattern_levels.pattern_id,
        sum(ln(parameters_{{ i }}.m_probability)) as log_m,
        sum(ln(parameters_{{ i }}.u_probability)) as log_u
    from pattern_levels
    inner join parameters_{{ i }}
        on
            pattern_levels.comparison = parameters_{{ i }}.comparison
            and pattern_levels.comparison_level = parameters_{{ i }}.comparison_level
    group by pattern_levels.pattern_id
),

posteriors_{{ i }} as (
    select
        pattern_sizes.pattern_id,
        pattern_sizes.pair_count,
        lambda_{{ i }}.match_share * exp(coalesce(likelihoods_{{ i }}.log_m, 0))
        / (
            lambda_{{ i }}.match_share * exp(coalesce(likelihoods_{{ i }}.log_m, 0))
            + (1 - lambda_{{ i }}.match_share) * exp(coalesce(likelihoods_{{ i }}.log_u, 0))
        ) as match_posterior
    from pattern_sizes
    cross join lambda_{{ i }}
    left join likelihoods_{{ i }} on pattern_sizes.pattern_id = likelihoods_{{ i }}.pattern_id
),

-- ... then m re-estimated as the expected share of matches at each level, the prior counting as
-- linkage_m_prior_pairs matches; u stays as estimated from random pairs
level_weights_{{ i }} as (
    select
        pattern_levels.comparison,
        pattern_levels.comparison_level,
        sum(pattern_levels.pair_count * posteriors_{{ i }}.match_posterior) as matches
    from pattern_levels
    inner join posteriors_{{ i }} on pattern_levels.pattern_id = posteriors_{{ i }}.pattern_id
    group by pattern_levels.comparison, pattern_levels.comparison_level
),

parameters_{{ i + 1 }} as (
    select
        parameters_0.comparison,
        parameters_0.comparison_level,
        greatest(
            (
                {{ var('linkage_m_prior_pairs') }} * prior_m.m_probability
                + coalesce(level_weights_{{ i }}.matches, 0)
            )
            / (
                {{ var('linkage_m_prior_pairs') }}
                + coalesce(sum(level_weights_{{ i }}.matches) over (partition by parameters_0.comparison), 0)
            ),
            {{ var('linkage_min_probability') }}
        ) as m_probability,
        parameters_0.u_probability
    from parameters_0
    inner join prior_m
        on
            parameters_0.comparison = prior_m.comparison
            and parameters_0.comparison_level = prior_m.comparison_level
    left join level_weights_{{ i }}
        on
            parameters_0.comparison = level_weights_{{ i }}.comparison
            and parameters_0.comparison_level = level_weights_{{ i }}.comparison_level
),

lambda_{{ i + 1 }} as (
    select
        least(
            greatest(
                sum(pair_count * match_posterior) / nullif(sum(pair_count), 0), {{ var('linkage_min_probability') }}
            ),
            1 - {{ var('linkage_min_probability') }}
        ) as match_share
    from posteriors_{{ i }}
),
{% endfor %}
fitted as (
    select
        parameters_{{ iterations }}.comparison,
        parameters_{{ iterations }}.comparison_level,
        parameters_{{ iterations }}.m_probability,
        parameters_{{ iterations }}.u_probability,
        lambda_{{ iterations }}.match_share
    from parameters_{{ iterations }}
    cross join lambda_{{ iterations }}
)

select
    comparison,
    comparison_level,
    cast(m_probability as {{ type_double() }}) as m_probability,
    cast(u_probability as {{ type_double() }}) as u_probability,
    cast(ln(m_probability / u_probability) / ln(2) as {{ type_double() }}) as match_weight,
    cast(match_share as {{ type_double() }}) as match_share,
    {{ iterations }} as em_iterations
from fitted
