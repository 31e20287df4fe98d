-- One row per staged encounter with the CAD incident it belongs to (docs "Linked encounter"):
--   1. a reviewer's accepted pair (seed linkage_review_decisions): 'clerical_review';
--   2. a deterministic rule (int_encounters_linked_by_rule): exact_number, unit_time_location,
--      phone_time_location;
--   3. the probabilistic model (int_link_pairs_scored): the encounter's best candidate not
--      rejected by a reviewer, when its match probability reaches linkage_thresholds.accept:
--      'fellegi_sunter'.
-- link_confidence is the rule's fixed confidence or the model's probability; match_probability is
-- the model's alone (null for rule links, 1 for a reviewer's). Encounters with nothing to go on stay
-- 'unlinked' (mostly walk-up work that never had a CAD incident).
{%- set t = var('linkage_thresholds') %}
with

encounters as (
    select * from {{ ref('stg_cms__encounters') }}
),

by_rule as (
    select * from {{ ref('int_encounters_linked_by_rule') }}
),

review as (
    select * from {{ ref('int_link_pairs_for_review') }}
),

accepted as (
    select
        encounter_id,
        incident_number
    from review
    where review_status = 'accept'
),

rejected as (
    select
        encounter_id,
        incident_number
    from review
    where review_status = 'reject'
),

modelled as (
    select
        scores.encounter_id,
        scores.incident_number,
        scores.match_probability,
        row_number() over (
            partition by scores.encounter_id
            order by scores.candidate_rank
        ) as open_rank
    from {{ ref('int_link_pairs_scored') }} as scores
    left join rejected
        on
            scores.encounter_id = rejected.encounter_id
            and scores.incident_number = rejected.incident_number
    where rejected.encounter_id is null
),

links as (
    select
        encounter_id,
        incident_number,
        'clerical_review' as link_method,
        cast(1.0 as {{ type_double() }}) as link_confidence,
        cast(1.0 as {{ type_double() }}) as match_probability,
        1 as priority
    from accepted
    union all
    select
        encounter_id,
        incident_number,
        link_method,
        link_confidence,
        cast(null as {{ type_double() }}) as match_probability,
        2 as priority
    from by_rule
    where link_method <> 'unlinked'
    union all
    select
        encounter_id,
        incident_number,
        'fellegi_sunter' as link_method,
        match_probability as link_confidence,
        match_probability,
        3 as priority
    from modelled
    where open_rank = 1 and match_probability >= {{ t.accept }}
),

chosen as (
    select
        *,
        row_number() over (partition by encounter_id order by priority, incident_number) as link_rank
    from links
)

select
    encounters.encounter_id,
    chosen.incident_number,
    coalesce(chosen.link_method, 'unlinked') as link_method,
    cast(coalesce(chosen.link_confidence, 0) as {{ type_double() }}) as link_confidence,
    chosen.match_probability,
    encounters.cad_incident_number as typed_incident_number,
    encounters.program,
    encounters.unit_id,
    encounters.started_at,
    encounters.updated_at
from encounters
left join chosen
    on
        encounters.encounter_id = chosen.encounter_id
        and chosen.link_rank = 1
