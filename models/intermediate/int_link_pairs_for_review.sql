-- Clerical review: the pairs the probabilistic linkage is unsure of (match probability from
-- linkage_thresholds.review_from up to accept), each encounter's candidates best first, with the
-- reviewer's decision when the seed linkage_review_decisions has one. The next build honours it:
-- an accepted pair is linked ('clerical_review'), a rejected one never is.
{%- set t = var('linkage_thresholds') %}
with

scores as (
    select * from {{ ref('int_link_pairs_scored') }}
),

decisions as (
    select
        cast(encounter_id as bigint) as encounter_id,
        cast(incident_number as varchar) as incident_number,
        lower(trim(cast(decision as varchar))) as decision,
        decided_on
    from {{ ref('linkage_review_decisions') }}
),

uncertain as (
    select
        encounter_id,
        incident_number
    from scores
    where match_probability >= {{ t.review_from }} and match_probability < {{ t.accept }}
    -- a decided pair stays listed, whatever the model now says, so the decision can be audited
    union
    select
        decisions.encounter_id,
        decisions.incident_number
    from decisions
)

select
    uncertain.encounter_id,
    uncertain.incident_number,
    scores.program,
    scores.incident_number_level,
    scores.unit_level,
    scores.address_level,
    scores.time_level,
    scores.match_probability,
    scores.candidate_rank,
    coalesce(decisions.decision, 'pending') as review_status,
    decisions.decided_on
from uncertain
left join scores
    on
        uncertain.encounter_id = scores.encounter_id
        and uncertain.incident_number = scores.incident_number
left join decisions
    on
        uncertain.encounter_id = decisions.encounter_id
        and uncertain.incident_number = decisions.incident_number
