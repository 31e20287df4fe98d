-- Every candidate pair of the encounters the rules left (window pairs that pass blocking) with its
-- match probability under the fitted Fellegi-Sunter model (int_link_model_fitted): prior odds
-- lambda / (1 - lambda) times the Bayes factor m/u of each comparable level. The rank orders an
-- encounter's candidates, best first.
with

pairs as (
    select * from {{ ref('int_link_pairs_compared') }}
    where passes_blocking and is_scored
),

fitted_model as (
    select
        comparison,
        comparison_level,
        m_probability / u_probability as bayes_factor
    from {{ ref('int_link_model_fitted') }}
),

priors as (
    select max(match_share) / (1 - max(match_share)) as prior_odds
    from {{ ref('int_link_model_fitted') }}
),

scored as (
    select
        pairs.*,
        -- a level that is null (not comparable) adds no evidence: factor 1
        priors.prior_odds
        * coalesce(incident_number_factor.bayes_factor, 1)
        * coalesce(unit_factor.bayes_factor, 1)
        * coalesce(address_factor.bayes_factor, 1)
        * coalesce(time_factor.bayes_factor, 1) as match_odds
    from pairs
    cross join priors
    left join fitted_model as incident_number_factor
        on
            pairs.incident_number_level = incident_number_factor.comparison_level
            and incident_number_factor.comparison = 'incident_number'
    left join fitted_model as unit_factor
        on
            pairs.unit_level = unit_factor.comparison_level
            and unit_factor.comparison = 'unit'
    left join fitted_model as address_factor
        on
            pairs.address_level = address_factor.comparison_level
            and address_factor.comparison = 'address'
    left join fitted_model as time_factor
        on
            pairs.time_level = time_factor.comparison_level
            and time_factor.comparison = 'time'
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
