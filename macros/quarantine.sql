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
    newest version. Rank > 1 is quarantined as duplicate_key by the base model. `rule_failure` is
    the SQL of the row's first failed rule (none: the table has no rules). -#}
{% macro key_rank(key_column, tie_breaker=none, rule_failure='rule_failure', updated_at='updated_at') -%}
row_number() over (
    partition by {{ key_column }}
    order by
        {%- if rule_failure %}
        case when {{ rule_failure | indent(8) }} is null then 0 else 1 end asc,
        {%- endif %}
        {{ updated_at }} desc
        {%- if tie_breaker %}, {{ tie_breaker }}{% endif %}
)
{%- endmacro %}


{#- The last step of a base model: every row of `relation` (a CTE of the source table's typed and
    normalized columns, in the model's column order) with its quarantine_reason: the first rule it
    fails, else `duplicate_reason` for every row of a key but the one key_rank keeps, else null
    (staged).

    The rules are the body of a call block: the `when <condition> then '<reason>'` branches of one
    case expression, in the order they are checked.

        {% call select_with_quarantine_reason('normalized', 'arrest_id', staged_parents=[...]) %}
            when normalized.incident_number is null then 'invalid_incident_number'
        {% endcall %}

    Without a call block only duplicate keys are quarantined. `staged_parents` lists
    (alias, base model, column): the parent's staged rows, joined on that column, so that a rule
    can name an orphan (`<alias>.<column> is null`). `tie_breaker` orders two versions of a key
    updated at the same time (a column of `relation`, with its direction). -#}
{% macro select_with_quarantine_reason(
    relation, key_column, staged_parents=[], tie_breaker=none, duplicate_reason='duplicate_key'
) -%}
{%- if caller is defined -%}
    {%- set rule_failure = 'case\n' ~ (case_branches(caller()) | indent(4, true)) ~ '\nend' -%}
{%- else -%}
    {%- set rule_failure = none -%}
{%- endif -%}
{%- set duplicate -%}
case
    when {{ key_rank(
        relation ~ '.' ~ key_column,
        tie_breaker=(relation ~ '.' ~ tie_breaker) if tie_breaker else none,
        rule_failure=rule_failure,
        updated_at=relation ~ '.updated_at',
    ) | indent(4) }} > 1
        then '{{ duplicate_reason }}'
end
{%- endset -%}
select
    {{ relation }}.*,
    {% if rule_failure -%}
    coalesce(
        {{ rule_failure | indent(8) }},
        {{ duplicate | indent(8) }}
    ) as quarantine_reason
    {%- else -%}
    {{ duplicate | indent(4) }} as quarantine_reason
    {%- endif %}
from {{ relation }}
{%- for alias, parent, column in staged_parents %}
left join {{ ref(parent) }} as {{ alias }}
    on {{ relation }}.{{ column }} = {{ alias }}.{{ column }} and {{ alias }}.quarantine_reason is null
{%- endfor %}
{%- endmacro %}


{#- The `when` branches of a call block's body, laid out again: its lines keep the indent they
    have in the model, and a macro in it renders its own. One branch per line, a continuation
    (`then ...` on its own line) indented under it. -#}
{% macro case_branches(text) -%}
    {%- set lines = [] -%}
    {%- for line in text.split('\n') if line.strip() -%}
        {%- do lines.append(('' if line.strip().startswith('when ') else '    ') ~ line.strip()) -%}
    {%- endfor -%}
    {{ return(lines | join('\n')) }}
{%- endmacro %}


{#- The rules of a required event time, as `when` branches for select_with_quarantine_reason:
    set and not a placeholder (placeholder_<column>), then inside the plausibility window
    (implausible_<column>). -#}
{% macro required_time_rules(relation, column) -%}
    {%- set ts = relation ~ '.' ~ column -%}
    when {{ ts }} is null or {{ ts }} < {{ placeholder_before() }} then 'placeholder_{{ column }}'
    when {{ is_implausible(ts) }} then 'implausible_{{ column }}'
{%- endmacro %}
