-- How case-management encounters were linked to CAD incidents (unlinked ones included).
select
    encounter_id,
    program,
    link_method,
    link_method <> 'unlinked' as is_linked,
    link_confidence,
    started_at_local,
    cast(date_trunc('month', started_at_local) as date) as started_month
from marts.fct_encounters
