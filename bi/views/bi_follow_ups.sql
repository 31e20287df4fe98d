-- Follow-up contacts by team, method and outcome, and whether they matched an incident.
select
    follow_up_id,
    incident_number,
    incident_match,
    follow_up_method,
    follow_up_outcome,
    follow_up_team,
    followed_up_at_local,
    cast(date_trunc('month', followed_up_at_local) as date) as followed_up_month
from marts.fct_follow_ups
