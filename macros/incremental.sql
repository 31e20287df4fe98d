{#- Incremental CAD models (docs/architecture.md "Incremental CAD models").

    A run recomputes every row of the incidents touched since the model was last built: rows whose
    `updated_at` is later than the newest `updated_at` the model already holds, minus
    `incremental_lookback_hours` (rows the loader picks up late, stamped before that newest one).
    Whole incidents are recomputed, never single rows, because the rules that rank duplicates and
    pick quarantine reasons compare the rows of one incident with each other. -#}


{#- The `updated_at` from which a parent row counts as changed: the newest one this model holds,
    less the look-back; the beginning of time while the model is empty. -#}
{% macro incremental_cutoff() -%}
coalesce(
    {{ dbt.dateadd('hour', -1 * var('incremental_lookback_hours'), '(select max(updated_at) from ' ~ this ~ ')') }},
    cast('1900-01-01' as {{ dbt.type_timestamp() }})
)
{%- endmacro %}


{#- True for a row of `relation` changed since the cutoff (the alias or table of the row). -#}
{% macro changed_since_cutoff(relation=none) -%}
{{ (relation ~ '.') if relation else '' }}updated_at > {{ incremental_cutoff() }}
{%- endmacro %}


{#- The incident numbers an incremental run recomputes, as a select of one column
    (incident_number): those of the changed rows of every (relation, incident number SQL) in
    `changed_in`, and, for `moved` = (relation, row key), the incident this model holds a changed row
    under: a call or assignment moved to another incident leaves the rest of its old incident to be
    judged again (and that incident's own rows carry no new `updated_at`). -#}
{% macro affected_incidents(changed_in, moved=none) -%}
{%- for relation, incident_number in changed_in %}
select {{ incident_number }} as incident_number
from {{ relation }}
where {{ changed_since_cutoff() }}
{%- if not loop.last or moved %}
union
{%- endif %}
{%- endfor %}
{%- if moved %}
{%- set relation, key = moved %}
select held.incident_number
from {{ this }} as held
where held.{{ key }} in (
    select changed.{{ key }}
    from {{ relation }} as changed
    where {{ changed_since_cutoff('changed') }}
)
{%- endif %}
{%- endmacro %}


{#- Post-hook of a staged model (stg_<x>, staged from base_<x>): remove the rows whose key has no staged base row any more. A row
    can move to quarantine without a new `updated_at` of its own (its incident was quarantined), and
    delete+insert only replaces the keys the new batch holds. Only quarantined keys are looked at
    (few), and a key quarantined as a duplicate keeps the row that won it. -#}
{% macro delete_quarantined_rows(key_column) -%}
{%- set base_model = this.identifier | replace('stg_', 'base_', 1) %}
delete from {{ this }}
where
    {{ key_column }} in (
        select quarantined.{{ key_column }}
        from {{ ref(base_model) }} as quarantined
        where quarantined.quarantine_reason is not null and quarantined.{{ key_column }} is not null
    )
    and {{ key_column }} not in (
        select staged.{{ key_column }}
        from {{ ref(base_model) }} as staged
        where staged.quarantine_reason is null
    )
{%- endmacro %}


{#- The end of a staged incremental model's where clause: on an incremental run, only the rows of
    the affected incidents (the model's `affected_incidents` CTE), or those `also` (SQL) selects. -#}
{% macro in_affected_incidents(also=none) -%}
{%- if is_incremental() %}
    and (
        incident_number in (select affected_incidents.incident_number from affected_incidents)
        {%- if also %}
        or {{ also }}
        {%- endif %}
    )
{%- endif %}
{%- endmacro %}


{#- A model holding keyed hashes must hash every row again when the key changes (a key rotated, or
    a demo-mode warehouse first run in production), and its rows carry no new `updated_at` then.
    Beside the model sits `<model>__key_check`: one row, the keyed hash of a fixed text under the key
    the model was last built with (a hash of a constant, never a person's value). This is true when
    that check is missing or was made under another key, so the incremental run takes every row. -#}
{% macro hash_key_changed() -%}
{%- set check = adapter.get_relation(this.database, this.schema, this.identifier ~ '__key_check') -%}
{%- if check is none -%}
true
{%- else -%}
not exists (select 1 from {{ check }} where key_check = {{ keyed_hash("'key check'") }})
{%- endif -%}
{%- endmacro %}


{#- Post-hooks of a model that uses hash_key_changed(): record the key it was built with. -#}
{% macro record_hash_key() -%}
{%- set check = this.incorporate(path={'identifier': this.identifier ~ '__key_check'}) -%}
drop table if exists {{ check }};
create table {{ check }} as select {{ keyed_hash("'key check'") }} as key_check
{%- endmacro %}
