{#- The quarantine of one source table: every row of its base model that failed a rule, with the
    table it came from and its key as text, so all quarantines can be stacked in one report. -#}
{% macro quarantined_rows(base_model, source_table, key_column) -%}
select
    '{{ source_table }}' as source_table,
    cast({{ key_column }} as {{ dbt.type_string() }}) as record_key,
    base.*
from {{ ref(base_model) }} as base
where base.quarantine_reason is not null
{%- endmacro %}
