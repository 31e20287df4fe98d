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


{#- Rank of a raw row among the rows sharing its key: a row that passes every rule wins, then the
    newest version. Rank > 1 is quarantined as duplicate_key by the base model. -#}
{% macro key_rank(key_column, tie_breaker=none) -%}
row_number() over (
    partition by {{ key_column }}
    order by case when rule_failure is null then 0 else 1 end asc, updated_at desc
        {%- if tie_breaker %}, {{ tie_breaker }}{% endif %}
)
{%- endmacro %}
