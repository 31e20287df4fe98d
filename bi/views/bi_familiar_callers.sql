-- Callers by keyed phone hash (never a number or a name), with incidents per month. The hash is
-- shortened to 12 characters for display; it still identifies the same caller across months.
select
    left(calls.caller_key, 12) as caller_hash,
    cast(date_trunc('month', incidents.created_at_local) as date) as created_month_local,
    count(distinct incidents.incident_number) as incidents,
    sum(case when incidents.is_familiar_caller then 1 else 0 end) as familiar_flagged_incidents
from staging.stg_cad__calls as calls
inner join marts.fct_incidents as incidents
    on calls.incident_number = incidents.incident_number
where calls.caller_key is not null
group by 1, 2
