-- Every candidate pair of the probabilistic linkage (the window pairs that pass blocking) with its
-- match probability under the fitted
-- Fellegi-Sunter model (int_encounter_link_model): prior odds lambda / (1 - lambda) times m/u of
-- each comparable level. The rank orders an encounter's candidates, best first.
{%- set comparisons = ['incident_number', 'unit', 'address', 'time'] %}
with

pairs as (
    select * from {{ ref('int_encounter_link_pairs') }}
    where passes_blocking
),

model as (
    select * from {{ ref('int_encounter_link_model') }}
),

prior as (
    select max(match_share) as match_share
    from model
),

scored as (
    select
        pairs.*,
        prior.match_share / (1 - prior.match_share)
        {%- for c in comparisons %}
        * coalesce({{ c }}_model.m_probability / {{ c }}_model.u_probability, 1)
        {%- endfor %} as match_odds
    from pairs
    cross join prior
    {%- for c in comparisons %}
    left join model as {{ c }}_model
        on
            {{ c }}_model.comparison = '{{ c }}'
            and pairs.{{ c }}_level = {{ c }}_model.comparison_level
    {%- endfor %}
)

select
    encounter_id,
    incident_number,
    program,
    incident_number_level,
    unit_level,
    address_level,
    time_level,
    seconds_from_creation,
    cast(match_odds / (1 + match_odds) as {{ type_double() }}) as match_probability,
    row_number() over (
        partition by encounter_id
        order by match_odds desc, seconds_from_creation asc, incident_number asc
    ) as candidate_rank
from scored
