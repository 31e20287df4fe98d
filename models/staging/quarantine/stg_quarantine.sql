-- Every quarantined raw row of every source table, one line each: the data quality report's input.
select
    source_table,
    record_key,
    cast(null as {{ dbt.type_string() }}) as incident_number,
    quarantine_reason,
    updated_at
from {{ ref('quarantine_cad__call_types') }}
union all
select
    source_table,
    record_key,
    cast(null as {{ dbt.type_string() }}) as incident_number,
    quarantine_reason,
    updated_at
from {{ ref('quarantine_cad__units') }}
union all
select
    source_table,
    record_key,
    incident_number,
    quarantine_reason,
    updated_at
from {{ ref('quarantine_cad__incidents') }}
union all
select
    source_table,
    record_key,
    incident_number,
    quarantine_reason,
    updated_at
from {{ ref('quarantine_cad__calls') }}
union all
select
    source_table,
    record_key,
    incident_number,
    quarantine_reason,
    updated_at
from {{ ref('quarantine_cad__unit_assignments') }}
union all
select
    source_table,
    record_key,
    incident_number,
    quarantine_reason,
    updated_at
from {{ ref('quarantine_cad__arrests') }}
union all
select
    source_table,
    record_key,
    cast(null as {{ dbt.type_string() }}) as incident_number,
    quarantine_reason,
    updated_at
from {{ ref('quarantine_cms__people') }}
union all
select
    source_table,
    record_key,
    cast(null as {{ dbt.type_string() }}) as incident_number,
    quarantine_reason,
    updated_at
from {{ ref('quarantine_cms__staff') }}
union all
select
    source_table,
    record_key,
    cast(null as {{ dbt.type_string() }}) as incident_number,
    quarantine_reason,
    updated_at
from {{ ref('quarantine_cms__encounters') }}
union all
select
    source_table,
    record_key,
    cast(null as {{ dbt.type_string() }}) as incident_number,
    quarantine_reason,
    updated_at
from {{ ref('quarantine_cms__referrals') }}
union all
select
    source_table,
    record_key,
    cast(null as {{ dbt.type_string() }}) as incident_number,
    quarantine_reason,
    updated_at
from {{ ref('quarantine_cms__transports') }}
union all
select
    source_table,
    record_key,
    cast(null as {{ dbt.type_string() }}) as incident_number,
    quarantine_reason,
    updated_at
from {{ ref('quarantine_cms__follow_ups') }}
