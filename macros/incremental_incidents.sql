{#- Incremental incident-level intermediate models (docs/architecture.md "Incremental incident-level
    models").

    Such a model recomputes only the incidents its CAD rows changed and replaces every row it held
    for them (strategy `replace_incidents` below). Which incidents changed is read from the base
    models, which keep every row they were given, quarantined or not, with the source's
    `updated_at`: an incident quarantined since leaves no staged row to find it by.

    Beside each model sits `<model>__state`, written after every build: a row per CAD base model
    the model follows, with the newest `updated_at` it held then (its watermark), and a fingerprint
    of the model's reference inputs (seeds, CAD's call types, the dbt vars its rules read). A run
    recomputes the incidents with a base row stamped after that base model's watermark less
    `incremental_lookback_hours`, or every incident when the fingerprint differs (a seed edited, a
    call type renamed). A model with no state yet is rebuilt whole (incidents_incremental).

    An affected incident that now yields no row (no longer eligible, its calls moved away, its
    incident quarantined) must still lose the rows it had: the batch carries one marker row for it,
    its key and nulls elsewhere (`with_removal_markers`), which the strategy deletes by and does not
    insert. A real row of such a model always has a non-null column besides the key. -#}


{#- The incremental strategy: delete the held rows of every incident in the batch (`unique_key`),
    then insert the batch's real rows (not the removal markers, whose columns other than the key
    are all null). dbt finds it by its name (incremental_strategy='replace_incidents'). -#}
{% macro get_incremental_replace_incidents_sql(arg_dict) -%}
{%- set key = arg_dict['unique_key'] -%}
{%- set columns = arg_dict['dest_columns'] | map(attribute='name') | list -%}
{%- set quoted = arg_dict['dest_columns'] | map(attribute='quoted') | join(', ') -%}
delete from {{ arg_dict['target_relation'] }}
where
    {{ key }} in (select batch.{{ key }} from {{ arg_dict['temp_relation'] }} as batch)
    -- no state recorded: the batch is every incident (incidents_incremental), and nothing held stays
    or not exists (select 1 from {{ incidents_state_relation() }});
insert into {{ arg_dict['target_relation'] }} ({{ quoted }})
select {{ quoted }} from {{ arg_dict['temp_relation'] }}
where not (
    {%- for column in columns if column | lower != key | lower %}
    {{ adapter.quote(column) }} is null{% if not loop.last %} and{% endif %}
    {%- endfor %}
)
{%- endmacro %}


{#- Whether this run of the model recomputes only the affected incidents: an incremental run of a
    model whose state is recorded. A table built before the model was incremental (no state, maybe
    missing a column the comparisons read) is rebuilt whole, through the strategy: its new columns
    are added (on_schema_change='append_new_columns') and, the state being empty, every held row is
    replaced. -#}
{% macro incidents_incremental() -%}
{%- if not is_incremental() -%}
{{ return(false) }}
{%- endif -%}
{{ return(adapter.get_relation(this.database, this.schema, this.identifier ~ '__state') is not none) }}
{%- endmacro %}


{#- The state table of the model being built. -#}
{% macro incidents_state_relation() -%}
{{ return(this.incorporate(path={'identifier': this.identifier ~ '__state'})) }}
{%- endmacro %}


{#- The CAD base models whose changes a model follows, with the incident number column of each. -#}
{% macro cad_change_sources() -%}
{{ return([
    (ref('base_cad__incidents'), 'incident_number'),
    (ref('base_cad__calls'), 'incident_number'),
    (ref('base_cad__unit_assignments'), 'incident_number'),
]) }}
{%- endmacro %}


{#- A text that changes whenever a row of `relations` or a value of `settings` (dbt vars the model's
    rules read) changes: every row as text, sorted, hashed. Reference tables are small (seeds, call
    types). Row-to-text differs between engines but is only ever compared with itself. -#}
{% macro inputs_fingerprint(relations, settings=[]) -%}
{%- set parts = ["'" ~ (settings | tojson | replace("'", "''")) ~ "'"] -%}
{%- for relation in relations -%}
{%- do parts.append(
    "coalesce((select string_agg(cast(input_rows as " ~ dbt.type_string() ~ "), '|' order by cast(input_rows as "
    ~ dbt.type_string() ~ ")) from " ~ relation ~ " as input_rows), '')"
) -%}
{%- endfor -%}
md5({{ parts | join(" || '#' || ") }})
{%- endmacro %}


{#- The `updated_at` from which a row of the base model `relation` counts as changed for this model:
    the newest one it held at the model's last build, less the look-back. Each base model has its
    own watermark: CAD's tables are not updated in step (the newest call can be hours older than the
    newest incident), and a call committed late is compared with the calls, not the incidents. -#}
{% macro incidents_cutoff(relation) -%}
coalesce(
    {{ dbt.dateadd('hour', -1 * var('incremental_lookback_hours'),
        "(select max(watermark) from " ~ incidents_state_relation() ~ " where source = '" ~ relation.identifier ~ "')") }},
    cast('1900-01-01' as {{ dbt.type_timestamp() }})
)
{%- endmacro %}


{#- The incidents this model holds rows of under a `key` (a column of the model) whose base row in
    `relation` changed: a call or assignment moved to another incident leaves its old one to be
    recomputed, and that incident's own rows carry no new `updated_at`. -#}
{% macro incidents_held_for_changed(key, relation) -%}
select held.incident_number
from {{ this }} as held
where held.{{ key }} in (
    select changed.{{ key }} from {{ relation }} as changed where changed.updated_at > {{ incidents_cutoff(relation) }}
)
{%- endmacro %}


{#- The incidents a run of this model recomputes, as a select of one column (incident_number): those
    whose CAD base rows changed since the cutoff, those the `also` selects name (each a select of
    one incident number column), and every incident, held or staged, when the fingerprint of the
    inputs and settings (as for inputs_fingerprint) differs from the one recorded at the last build. -#}
{% macro incidents_to_recompute(inputs=[], settings=[], also=[]) -%}
{%- set everything -%}
not exists (
    select 1 from {{ incidents_state_relation() }} as state
    where state.fingerprint = {{ inputs_fingerprint(inputs, settings) }}
)
{%- endset -%}
{%- set selects = [] -%}
{%- for relation, incident_number in cad_change_sources() -%}
{%- do selects.append('select ' ~ incident_number ~ ' as incident_number from ' ~ relation ~ ' where updated_at > ' ~ incidents_cutoff(relation)) -%}
{%- endfor -%}
{%- do selects.extend(also) -%}
{%- do selects.append('select incident_number from ' ~ this ~ ' where ' ~ everything) -%}
{%- do selects.append('select incident_number from ' ~ ref('stg_cad__incidents') ~ ' where ' ~ everything) -%}
{{ selects | join('\nunion\n') }}
{%- endmacro %}


{#- The model's rows (`relation`, a CTE holding every column of the model) and, when only the
    affected incidents are recomputed, a removal marker for each affected incident (`affected`, a
    CTE of incident_number) that yields no row: its key, and null in every other column. -#}
{% macro with_removal_markers(relation, affected='affected_incidents', key='incident_number') -%}
{%- if incidents_incremental() -%}
{%- set columns = adapter.get_columns_in_relation(this) -%}
select {% for column in columns %}{{ relation }}.{{ adapter.quote(column.name) }}{% if not loop.last %}, {% endif %}{% endfor %}
from {{ relation }}
union all
select
    {%- for column in columns %}
    {% if column.name | lower == key | lower %}{{ affected }}.incident_number{% else %}cast(null as {{ column.data_type }}){% endif %} as {{ adapter.quote(column.name) }}{% if not loop.last %},{% endif %}
    {%- endfor %}
from {{ affected }}
where not exists (select 1 from {{ relation }} where {{ relation }}.{{ key }} = {{ affected }}.incident_number)
{%- else -%}
select * from {{ relation }}
{%- endif -%}
{%- endmacro %}


{#- Pre-hook: the state table exists (empty before the first build, which then recomputes all). -#}
{% macro create_incidents_state() -%}
create table if not exists {{ incidents_state_relation() }} (
    source {{ dbt.type_string() }},
    watermark {{ dbt.type_timestamp() }},
    fingerprint {{ dbt.type_string() }}
)
{%- endmacro %}


{#- Post-hook: what this build was made from, a row per base model followed (`extra` adds some: the
    units, for a model that follows them), each with the fingerprint of the inputs. -#}
{% macro record_incidents_state(inputs=[], settings=[], extra=[]) -%}
delete from {{ incidents_state_relation() }};
insert into {{ incidents_state_relation() }} (source, watermark, fingerprint)
{%- for relation, incident_number in cad_change_sources() + extra %}
select
    '{{ relation.identifier }}',
    (select max(updated_at) from {{ relation }}),
    {{ inputs_fingerprint(inputs, settings) }}
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
{%- endmacro %}


{#- The reference tables int_incidents_screened reads, its eligibility rules' included. -#}
{% macro screening_inputs() -%}
{{ return([
    ref('call_type_eligibility'), ref('eligibility_exclusions'), ref('base_cad__call_types'),
    ref('call_origins'), ref('dispositions'),
]) }}
{%- endmacro %}


{#- A where clause: when only the affected incidents are recomputed, only their rows (the model's
    `affected_incidents` CTE). -#}
{% macro where_recomputed(column='incident_number') -%}
{%- if incidents_incremental() %}
where {{ column }} in (select affected_incidents.incident_number from affected_incidents)
{%- endif %}
{%- endmacro %}


{#- A checksum of a set of values (an aggregate): the sum of a 64-bit hash of each, as a 38-digit
    decimal (no group of any size overflows it). Two different sets of ids practically never sum
    alike, so an incremental run sees a member join or leave a group even when the member's own row
    did not change (a duplicate call no longer a duplicate). -#}
{% macro set_checksum(column) -%}
    {{ return(adapter.dispatch('set_checksum', 'alt_response')(column)) }}
{%- endmacro %}

{% macro default__set_checksum(column) -%}
cast(sum(hash({{ column }})) as decimal(38, 0))
{%- endmacro %}

{% macro postgres__set_checksum(column) -%}
cast(sum(hashtextextended(cast({{ column }} as text), 0)) as decimal(38, 0))
{%- endmacro %}


{#- The dbt vars the timing of a unit assignment reads: which units are HEART's, and the day before
    which a time is a placeholder (is_valid_ts). int_incidents_enriched's police minutes follow them. -#}
{% macro assignment_timing_settings() -%}
{{ return(heart_unit_types() + [placeholder_before()]) }}
{%- endmacro %}


{#- The reference tables int_incidents_enriched reads, its screening's included (the parents it
    compares instead, such as the forgone reasons, are not here). -#}
{% macro enrichment_inputs() -%}
{{ return(screening_inputs() + [ref('call_types')]) }}
{%- endmacro %}
