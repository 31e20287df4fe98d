-- One row per CAD incident with the fields the Operations and Expansion dashboards group by.
-- answer_status sorts eligible incidents into answered by a team, forgone (by reason) or neither.
select
    incident_number,
    created_at_local,
    created_date_local,
    created_month_local,
    created_day_of_week,
    -- '1 Mon' .. '7 Sun': sorts the heat map's rows in week order
    concat(extract(isodow from created_date_local), ' ', created_day_of_week) as day_of_week_label,
    created_hour,
    beat,
    final_call_type,
    coalesce(heart_program, 'no team') as heart_program,
    is_eligible,
    is_heart_responded,
    is_forgone,
    forgone_reason,
    case
        when not is_eligible then 'not eligible'
        when is_heart_responded then 'answered'
        when is_forgone then 'forgone: ' || coalesce(forgone_reason, 'other')
        else 'eligible, not answered'
    end as answer_status,
    response_minutes,
    police_minutes,
    case when is_forgone then police_minutes end as forgone_police_minutes,
    closed_at is null as is_open,
    last_source_updated_at
from marts.fct_incidents
