-- How current the marts are: the newest incident and the newest source change the last run loaded.
select
    count(*) as incidents,
    max(created_at) as newest_incident_created_at,
    max(last_source_updated_at) as newest_source_change_at,
    sum(case when closed_at is null then 1 else 0 end) as open_incidents
from marts.fct_incidents
