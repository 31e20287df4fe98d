{#- Time helpers. Every source timestamp is naive UTC; the city's zone is the `city_timezone` var.
    Durations use epoch arithmetic because dbt.datediff counts boundaries crossed, which turns
    09:59 -> 10:01 into "1 hour" and breaks across DST changes. -#}

{% macro to_local(ts) -%}
    {{ return(adapter.dispatch('to_local', 'alt_response')(ts)) }}
{%- endmacro %}

{% macro default__to_local(ts) -%}
    ((({{ ts }}) at time zone 'UTC') at time zone '{{ var("city_timezone") }}')
{%- endmacro %}


{% macro epoch_seconds(ts) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'alt_response')(ts)) }}
{%- endmacro %}

{% macro default__epoch_seconds(ts) -%}
    cast(extract(epoch from {{ ts }}) as {{ type_double() }})
{%- endmacro %}

{% macro duckdb__epoch_seconds(ts) -%}
    {#- extract(epoch) on DuckDB drops sub-second precision; epoch() keeps it like PostgreSQL -#}
    cast(epoch({{ ts }}) as {{ type_double() }})
{%- endmacro %}


{% macro duration_minutes(start_ts, end_ts) -%}
    (({{ epoch_seconds(end_ts) }} - {{ epoch_seconds(start_ts) }}) / 60.0)
{%- endmacro %}


{#- Day of week of a local timestamp as Mon..Sun (isodow avoids locale-dependent names and
    the Sunday=0 convention of `dow`, which the two engines do not share). -#}
{% macro day_of_week_name(local_ts) -%}
    case cast(extract(isodow from {{ local_ts }}) as integer)
        when 1 then 'Mon'
        when 2 then 'Tue'
        when 3 then 'Wed'
        when 4 then 'Thu'
        when 5 then 'Fri'
        when 6 then 'Sat'
        when 7 then 'Sun'
    end
{%- endmacro %}


{#- Hour of day of a local timestamp as a two-character string '00'..'23'. -#}
{% macro hour_of_day_text(local_ts) -%}
    lpad(cast(cast(extract(hour from {{ local_ts }}) as integer) as {{ dbt.type_string() }}), 2, '0')
{%- endmacro %}


{#- First local day of the month / quarter / year holding a local timestamp, as a date.
    Truncating a timestamp (not a date) keeps PostgreSQL from promoting to timestamptz. -#}
{% macro period_start(grain, local_ts) -%}
    cast(date_trunc('{{ grain }}', {{ local_ts }}) as date)
{%- endmacro %}


{#- A source timestamp is usable when it is set, not a placeholder (before var placeholder_before) and not
    more than 7 days after the incident closed (docs/metric_definitions.md, "Valid timestamp"). -#}
{% macro is_valid_ts(ts, closed_at) -%}
    (
        {{ ts }} is not null
        and {{ ts }} >= {{ placeholder_before() }}
        and ({{ closed_at }} is null or {{ ts }} <= {{ closed_at }} + interval '7 days')
    )
{%- endmacro %}
