-- The probabilistic half of the linkage, step one: every encounter the rules left unlinked (to be
-- scored), and a sample of those they linked (to fit the model on), paired with the CAD incidents
-- it could belong to, and how each pair compares.
--
-- Window: incidents created from a day before to a day after the encounter start (entry dated the
-- wrong day near midnight is a typing error the model should see). Only pairs where a comparison
-- agrees (passes_blocking: number exact, the unit assigned, the block or its number) are fitted
-- and scored; every pair in the window of every few encounters (gives_u, var
-- linkage_u_sample_every) is kept too, because pairs taken at random are what the u probabilities
-- are estimated from.
-- Comparison levels (null = not comparable, e.g. no number typed; the model skips it):
--   incident_number: exact | close (one digit changed or two swapped) | different;
--   unit: assigned (the encounter's unit, on unit_key, was on the incident) | other_heart_unit |
--       no_heart_unit; null for phone work, so the program shapes what is compared;
--   address: exact (normalized block) | similar_street (same block number, street of the same
--       first letter, last word and length within one: a misspelling) | same_block_number | different;
--   time: prompt (start from 10 minutes before creation, a time typed rounded down, to 30 minutes
--       after) | in_window (from an hour before creation
--       to two hours after closing) | day_shifted (in the window once moved a day) | near (within 12
--       hours) | far.
{%- set s = linkage_settings() %}
with

by_rule as (
    select
        by_rule.encounter_id,
        by_rule.link_method,
        count(*) over () as encounter_count
    from {{ ref('int_encounters_linked_by_rule') }} as by_rule
),

-- the encounters paired: every one the rules left (scored), and an evenly spread sample of those
-- they linked, which gives EM plenty of true pairs to learn m from (the leftovers alone are few,
-- and mostly walk-ups with no incident at all)
in_scope as (
    select
        encounter_id,
        link_method = 'unlinked' as is_scored
    from by_rule
    where
        link_method = 'unlinked'
        or encounter_id
        % cast(greatest(1, floor(encounter_count / {{ var('linkage_em_training_encounters') }})) as bigint) = 0
),

-- every pair of every few of them, blocked or not, is kept for the u probabilities
sampled as (
    select
        encounter_id,
        is_scored,
        row_number() over (order by encounter_id) % {{ var('linkage_u_sample_every') }} = 0 as gives_u
    from in_scope
),

unlinked as (
    select
        encounters.encounter_id,
        sampled.is_scored,
        sampled.gives_u,
        encounters.program,
        {{ unit_key('encounters.unit_id') }} as unit_key,
        encounters.cad_incident_number as typed_incident_number,
        encounters.started_at,
        encounters.block_address,
        {{ address_parts('encounters.block_address') }},
        {{ epoch_seconds('encounters.started_at') }} as started_s
    from sampled
    inner join {{ ref('stg_cms__encounters') }} as encounters
        on sampled.encounter_id = encounters.encounter_id
),

-- the days whose incidents an encounter is compared with, so the window join is an equi-join
encounter_days as (
    select
        unlinked.*,
        cast(floor(unlinked.started_s / 86400) as bigint) + day_offsets.day_offset as day_bucket
    from unlinked
    cross join (values (-2), (-1), (0), (1), (2)) as day_offsets (day_offset)
),

assigned_units as (
    select distinct
        incident_number,
        {{ unit_key('unit_id') }} as unit_key
    from {{ ref('int_unit_assignments_timed') }}
    where is_heart_unit
),

-- an incident's HEART units as one text, each key bracketed ('<K1><K2>'; '' when none has a key),
-- carried on the incident before the window join: joining the units to the millions of windowed
-- pairs instead made the engine hash the pairs (gigabytes at city scale)
heart_units as (
    select
        incident_number,
        coalesce(string_agg('<' || unit_key || '>', '' order by unit_key), '') as unit_keys
    from assigned_units
    group by incident_number
),

incidents as (
    select
        stg.incident_number,
        stg.block_address,
        {{ address_parts('stg.block_address') }},
        {{ epoch_seconds('stg.created_at') }} as created_s,
        {{ epoch_seconds('coalesce(stg.closed_at, stg.created_at)') }} as closed_s,
        cast(floor({{ epoch_seconds('stg.created_at') }} / 86400) as bigint) as day_bucket,
        heart_units.unit_keys as heart_unit_keys
    from {{ ref('stg_cad__incidents') }} as stg
    left join heart_units on stg.incident_number = heart_units.incident_number
),

windowed as (
    select
        encounter_days.encounter_id,
        encounter_days.is_scored,
        encounter_days.gives_u,
        encounter_days.program,
        encounter_days.unit_key,
        encounter_days.typed_incident_number,
        encounter_days.block_address as encounter_block_address,
        encounter_days.block_number as encounter_block_number,
        encounter_days.street_initial as encounter_street_initial,
        encounter_days.street_type as encounter_street_type,
        encounter_days.street_length as encounter_street_length,
        encounter_days.started_s,
        incidents.incident_number,
        incidents.block_address as incident_block_address,
        incidents.block_number as incident_block_number,
        incidents.street_initial as incident_street_initial,
        incidents.street_type as incident_street_type,
        incidents.street_length as incident_street_length,
        incidents.created_s,
        incidents.closed_s,
        incidents.heart_unit_keys
    from encounter_days
    inner join incidents
        on
            encounter_days.day_bucket = incidents.day_bucket
            and incidents.created_s >= encounter_days.started_s - {{ s.fs_day_window_hours * 3600 }}
            and incidents.created_s <= encounter_days.started_s + {{ s.fs_day_window_hours * 3600 }}
),

-- The unit and address levels are equalities, cheap for every pair in the window; they and an exact
-- number decide whether a comparison agrees (passes_blocking below).
compared as (
    select
        windowed.*,
        case
            when windowed.unit_key is null then null
            when
                position('<' || windowed.unit_key || '>' in windowed.heart_unit_keys) > 0
                then 'assigned'
            when windowed.heart_unit_keys is not null then 'other_heart_unit'
            else 'no_heart_unit'
        end as unit_level,
        case
            when windowed.encounter_block_address is null or windowed.incident_block_address is null then null
            when windowed.encounter_block_address = windowed.incident_block_address then 'exact'
            when
                windowed.encounter_block_number = windowed.incident_block_number
                and windowed.encounter_street_initial = windowed.incident_street_initial
                and windowed.encounter_street_type = windowed.incident_street_type
                and abs(windowed.encounter_street_length - windowed.incident_street_length) <= 1
                then 'similar_street'
            when
                windowed.encounter_block_number = windowed.incident_block_number
                then 'same_block_number'
            else 'different'
        end as address_level
    from windowed
),

-- a close number alone is no agreement: in a busy city a day's numbers differ in a digit or two
blocked as (
    select
        *,
        coalesce(
            typed_incident_number = incident_number  -- incident_number_level 'exact'
            or unit_level = 'assigned'
            or address_level in ('exact', 'similar_street', 'same_block_number'),
            false
        ) as passes_blocking
    from compared
),

-- The pairs kept (a comparison agrees, or the pair gives u) are about a quarter of the window's at
-- city scale; only they get the number and time levels, a dozen character comparisons a pair.
kept as (
    select
        blocked.*,
        case
            when blocked.typed_incident_number is null then null
            when blocked.typed_incident_number = blocked.incident_number then 'exact'
            when
                length(blocked.typed_incident_number) = 12
                and {{ digit_mismatches('blocked.typed_incident_number', 'blocked.incident_number') }} <= 2
                then 'close'
            else 'different'
        end as incident_number_level,
        case
            when
                blocked.started_s >= blocked.created_s - {{ s.typed_early_minutes * 60 }}
                and blocked.started_s <= blocked.created_s + {{ s.fs_prompt_minutes * 60 }}
                then 'prompt'
            when
                blocked.started_s >= blocked.created_s - {{ s.fs_before_minutes * 60 }}
                and blocked.started_s <= blocked.closed_s + {{ s.fs_after_hours * 3600 }}
                then 'in_window'
            when
                (
                    blocked.started_s + 86400 >= blocked.created_s - {{ s.fs_before_minutes * 60 }}
                    and blocked.started_s + 86400 <= blocked.closed_s + {{ s.fs_after_hours * 3600 }}
                )
                or (
                    blocked.started_s - 86400 >= blocked.created_s - {{ s.fs_before_minutes * 60 }}
                    and blocked.started_s - 86400 <= blocked.closed_s + {{ s.fs_after_hours * 3600 }}
                )
                then 'day_shifted'
            when abs(blocked.started_s - blocked.created_s) <= {{ s.fs_near_hours * 3600 }} then 'near'
            else 'far'
        end as time_level,
        abs(blocked.started_s - blocked.created_s) as seconds_from_creation
    from blocked
    where blocked.passes_blocking or blocked.gives_u
)

select
    encounter_id,
    incident_number,
    is_scored,
    gives_u,
    program,
    incident_number_level,
    unit_level,
    address_level,
    time_level,
    seconds_from_creation,
    passes_blocking
from kept
