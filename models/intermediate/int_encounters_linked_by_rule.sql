-- The deterministic half of the CAD <-> case-management linkage (docs "Linked encounter"): one row
-- per staged encounter with the incident a rule links it to, or 'unlinked' for the Fellegi-Sunter
-- model (int_link_pairs_compared) to score.
--
-- Rules, best first:
--   exact_number (1.00): the normalized typed number is a CAD incident, the encounter starts in
--       the incident's window, and it is corroborated: the encounter's unit was assigned to that
--       incident and either the block agrees or the start falls in that unit's window there (two
--       swapped digits can name another call the same unit took that day), or, for work without a
--       unit (CCD by phone), the block address agrees;
--   unit_time_location (0.90): the encounter's HEART unit was assigned to an incident whose
--       dispatch-to-clear window (with a margin) holds the encounter start, at the same block;
--   phone_time_location (0.85): a CCD encounter (phone work, no unit) starting shortly after an
--       incident was created at the same block, or at its block number on a street spelled within
--       a letter (the model's similar_street). Of several such calls, one CAD closed as a CCD
--       resolution wins, then the same block, then the nearest in time: two calls minutes apart
--       at one block are common (a caller and a neighbour), and only one was handled by phone.
-- Units are compared on unit_key (staff type 'CRT 3' for CAD's 'CRT03'); block addresses arrive
-- normalized from staging. A number that matches without corroboration, or a unit and time without
-- the block, is evidence rather than proof (a mistyped number can hit a neighbouring incident), so
-- those encounters go to the probabilistic model, which weighs every comparison together.
{%- set s = linkage_settings() %}
with

encounters as (
    select * from {{ ref('stg_cms__encounters') }}
),

incidents as (
    select
        incidents.incident_number,
        incidents.created_at,
        incidents.closed_at,
        incidents.block_address,
        coalesce(dispositions.is_ccd_resolution, false) as is_ccd_resolution,
        {{ address_parts('incidents.block_address') }},
        cast(floor({{ epoch_seconds('incidents.created_at') }} / 86400) as bigint) as day_bucket
    from {{ ref('stg_cad__incidents') }} as incidents
    left join {{ ref('dispositions') }} as dispositions on incidents.disposition = dispositions.disposition_code
),

heart_assignments as (
    select
        incident_number,
        {{ unit_key('unit_id') }} as unit_key,
        coalesce(
            case when has_valid_dispatch then dispatched_at end,
            case when has_valid_on_scene then on_scene_at end
        ) as window_start,
        case when has_valid_clear then cleared_at end as cleared_at
    from {{ ref('int_unit_assignments_timed') }}
    where is_heart_unit
),

heart_windows as (
    select
        incident_number,
        unit_key,
        window_start,
        -- a clear before the start (or none) leaves the window open for a few hours
        case
            when cleared_at >= window_start then cleared_at
            else window_start + interval '{{ s.open_window_hours }} hours'
        end as window_end
    from heart_assignments
    where window_start is not null
),

-- each assignment's usable window, bucketed by UTC day so the unit + time join is an equi-join
assignment_windows as (
    select
        incident_number,
        unit_key,
        window_start - interval '{{ s.margin_minutes }} minutes' as window_from,
        least(window_end, window_start + interval '{{ s.max_window_hours }} hours')
        + interval '{{ s.margin_minutes }} minutes' as window_to
    from heart_windows
),

assignment_buckets as (
    select
        *,
        cast(floor({{ epoch_seconds('window_from') }} / 86400) as bigint) as day_bucket
    from assignment_windows
    union all
    select
        *,
        cast(floor({{ epoch_seconds('window_from') }} / 86400) as bigint) + 1 as day_bucket
    from assignment_windows
),

encounter_units as (
    select
        encounters.encounter_id,
        {{ unit_key('encounters.unit_id') }} as unit_key,
        encounters.started_at,
        encounters.block_address,
        cast(floor({{ epoch_seconds('encounters.started_at') }} / 86400) as bigint) as day_bucket
    from encounters
    where encounters.unit_id is not null
),

unit_time_candidates as (
    select distinct
        encounter_units.encounter_id,
        assignment_buckets.incident_number,
        coalesce(encounter_units.block_address = incidents.block_address, false) as location_agrees
    from encounter_units
    inner join assignment_buckets
        on
            encounter_units.unit_key = assignment_buckets.unit_key
            and encounter_units.day_bucket = assignment_buckets.day_bucket
            and encounter_units.started_at >= assignment_buckets.window_from
            and encounter_units.started_at <= assignment_buckets.window_to
    inner join incidents on assignment_buckets.incident_number = incidents.incident_number
),

-- Phone work: the incident was created shortly before the encounter (phone_candidates), so on its
-- day or a neighbouring one. Each phone encounter is here once per such day (call_day_bucket), so
-- its incidents are looked for on those days only: a busy block has thousands of incidents over the
-- years, and joining them all before the time test made 21 M pairs at city scale.
{%- if s.phone_before_minutes > 1440 or s.typed_early_minutes > 1440 %}
{{ exceptions.raise_compiler_error("linkage settings: phone_before_minutes and typed_early_minutes must be at most a day (1440), for phone candidates are looked for on the encounter's day and its neighbours") }}
{%- endif %}
phone_encounters as (
    select
        encounters.encounter_id,
        encounters.started_at,
        encounters.block_address,
        {{ address_parts('encounters.block_address') }},
        cast(floor({{ epoch_seconds('encounters.started_at') }} / 86400) as bigint) + day_offsets.day_offset
            as call_day_bucket
    from encounters
    cross join (values (-1), (0), (1)) as day_offsets (day_offset)
    where encounters.program = 'CCD' and encounters.unit_id is null
),

-- the call at the same block, or at its block number on a street misspelled by a letter
phone_places as (
    select
        phone_encounters.encounter_id,
        phone_encounters.started_at,
        incidents.incident_number,
        incidents.created_at,
        incidents.is_ccd_resolution,
        true as is_same_block
    from phone_encounters
    inner join incidents
        on
            phone_encounters.call_day_bucket = incidents.day_bucket
            and phone_encounters.block_address = incidents.block_address
    union all
    select
        phone_encounters.encounter_id,
        phone_encounters.started_at,
        incidents.incident_number,
        incidents.created_at,
        incidents.is_ccd_resolution,
        false as is_same_block
    from phone_encounters
    inner join incidents
        on
            phone_encounters.call_day_bucket = incidents.day_bucket
            and phone_encounters.block_number = incidents.block_number
            and phone_encounters.street_initial = incidents.street_initial
            and phone_encounters.street_type = incidents.street_type
            and abs(phone_encounters.street_length - incidents.street_length) <= 1
            and phone_encounters.block_address <> incidents.block_address
),

phone_candidates as (
    select
        encounter_id,
        incident_number,
        -- lower is better: a call CAD closed as a CCD resolution, then the exact block
        case when is_ccd_resolution then 0 else 2 end + case when is_same_block then 0 else 1 end as preference
    from phone_places
    where
        -- a start typed rounded down can read a few minutes before the call was created
        started_at >= created_at - interval '{{ s.typed_early_minutes }} minutes'
        and started_at - interval '{{ s.phone_before_minutes }} minutes' <= created_at
),

-- the encounter's unit on the incident its number names: assigned at all, and starting in that
-- assignment's window
unit_on_numbered_incident as (
    select
        encounters.encounter_id,
        max(case when encounters.started_at between windows.window_from and windows.window_to then 1 else 0 end)
        = 1 as starts_in_window
    from encounters
    inner join {{ ref('int_unit_assignments_timed') }} as assigned
        on
            encounters.cad_incident_number = assigned.incident_number
            and {{ unit_key('encounters.unit_id') }} = {{ unit_key('assigned.unit_id') }}
            and assigned.is_heart_unit
    left join assignment_windows as windows
        on
            encounters.cad_incident_number = windows.incident_number
            and {{ unit_key('encounters.unit_id') }} = windows.unit_key
    group by encounters.encounter_id
),

exact_candidates as (
    select
        encounters.encounter_id,
        incidents.incident_number,
        case
            when encounters.unit_id is not null
                then
                    unit_on_numbered_incident.encounter_id is not null
                    and (
                        coalesce(encounters.block_address = incidents.block_address, false)
                        or unit_on_numbered_incident.starts_in_window
                    )
            else coalesce(encounters.block_address = incidents.block_address, false)
        end as is_corroborated
    from encounters
    inner join incidents on encounters.cad_incident_number = incidents.incident_number
    left join unit_on_numbered_incident on encounters.encounter_id = unit_on_numbered_incident.encounter_id
    where
        encounters.started_at >= incidents.created_at - interval '{{ s.exact_before_minutes }} minutes'
        and encounters.started_at
        <= coalesce(incidents.closed_at, incidents.created_at) + interval '{{ s.exact_after_hours }} hours'
),

candidates as (
    select
        encounter_id,
        incident_number,
        'exact_number' as link_method,
        1.00 as link_confidence,
        0 as preference
    from exact_candidates
    where is_corroborated
    union all
    select
        encounter_id,
        incident_number,
        'phone_time_location' as link_method,
        0.85 as link_confidence,
        preference
    from phone_candidates
    union all
    select
        encounter_id,
        incident_number,
        'unit_time_location' as link_method,
        0.90 as link_confidence,
        0 as preference
    from unit_time_candidates
    where location_agrees
),

scored as (
    select
        candidates.*,
        abs(
            {{ epoch_seconds('encounters.started_at') }} - {{ epoch_seconds('incidents.created_at') }}
        ) as seconds_from_creation
    from candidates
    inner join encounters on candidates.encounter_id = encounters.encounter_id
    inner join incidents on candidates.incident_number = incidents.incident_number
),

ranked as (
    select
        *,
        row_number() over (
            partition by encounter_id
            order by link_confidence desc, preference asc, seconds_from_creation asc, incident_number asc
        ) as candidate_rank
    from scored
)

select
    encounters.encounter_id,
    ranked.incident_number,
    coalesce(ranked.link_method, 'unlinked') as link_method,
    cast(coalesce(ranked.link_confidence, 0) as {{ type_double() }}) as link_confidence,
    encounters.cad_incident_number as typed_incident_number,
    encounters.program,
    encounters.unit_id,
    encounters.started_at,
    encounters.updated_at
from encounters
left join ranked
    on
        encounters.encounter_id = ranked.encounter_id
        and ranked.candidate_rank = 1
