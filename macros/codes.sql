{#- Code and identifier normalization shared by the staging models. -#}

{#- Upper-case, trimmed code with inner runs of spaces or hyphens as one underscore, so
    'welfare ', 'Welfare' and 'WELFARE' are one code; empty strings become null. -#}
{% macro normalize_code(col) -%}
    nullif(upper(regexp_replace(trim({{ col }}), '[[:space:]-]+', '_', 'g')), '')
{%- endmacro %}


{#- CAD incident numbers are 'YYYY-NNNNNNN'. People type them as '2024-0001234', '20240001234',
    '24-1234', '2024 1234', 'CAD2024-0001234': keep the digits of the year part and of the sequence
    part and rebuild the canonical form. Null when no year + sequence can be read. -#}
{% macro normalize_incident_number(col) -%}
    {%- set digits = "regexp_replace(" ~ col ~ ", '[^0-9]', '', 'g')" -%}
    {%- set parts = "regexp_replace(trim(" ~ col ~ "), '^[^0-9]*([0-9]+)[^0-9]+([0-9]+)[^0-9]*$', '\\1|\\2')" -%}
    case
        -- already canonical (every CAD table): skip the costly rebuild below
        when {{ regexp_matches_compat(col, "^[0-9]{4}-[0-9]{7}$") }} then {{ col }}
        -- separated: <year>-<sequence>, two- or four-digit year
        when {{ regexp_matches_compat("trim(" ~ col ~ ")", "^[^0-9]*[0-9]{2}([0-9]{2})?[^0-9]+[0-9]{1,7}[^0-9]*$") }}
            then
                case when length(split_part({{ parts }}, '|', 1)) = 2 then '20' else '' end
                || split_part({{ parts }}, '|', 1)
                || '-' || lpad(split_part({{ parts }}, '|', 2), 7, '0')
        -- run together: 4-digit year + 7-digit sequence, or 2-digit year + 7-digit sequence
        when length({{ digits }}) = 11
            then substr({{ digits }}, 1, 4) || '-' || substr({{ digits }}, 5, 7)
        when length({{ digits }}) = 9
            then '20' || substr({{ digits }}, 1, 2) || '-' || substr({{ digits }}, 3, 7)
    end
{%- endmacro %}


{#- Phone numbers compared on their last 10 digits (drops +1, spaces, dots, brackets). -#}
{% macro normalize_phone(col) -%}
    nullif(right(regexp_replace({{ col }}, '[^0-9]', '', 'g'), 10), '')
{%- endmacro %}


{% macro regexp_matches_compat(value, pattern) -%}
    {{ return(adapter.dispatch('regexp_matches_compat', 'alt_response')(value, pattern)) }}
{%- endmacro %}

{% macro default__regexp_matches_compat(value, pattern) -%}
    ({{ value }} ~ '{{ pattern }}')
{%- endmacro %}

{% macro duckdb__regexp_matches_compat(value, pattern) -%}
    regexp_full_match({{ value }}, '{{ pattern }}')
{%- endmacro %}


{#- A block address as staff type it, in CAD's form '2900 BLOCK MLK JR PKWY', in two steps (one
    expression would nest too deep for the SQL linter): `abbreviate_street_types` upper-cases,
    keeps single spaces and writes the long forms of street types as CAD abbreviates them;
    `generalize_house_number` turns a house number ('2917 MLK JR PKWY') into its hundred block,
    which also keeps house numbers (a client's door) out of the warehouse. Misspellings stay: the
    linkage scores them. -#}
{% macro abbreviate_street_types(col) -%}
    {%- set long_forms = [('MARTIN LUTHER KING', 'MLK'), ('STREET', 'ST'), ('AVENUE', 'AVE'), ('ROAD', 'RD'),
                          ('BOULEVARD', 'BLVD'), ('DRIVE', 'DR'), ('HIGHWAY', 'HWY'), ('TERRACE', 'TER'),
                          ('PARKWAY', 'PKWY'), ('LANE', 'LN'), ('COURT', 'CT'), ('PLACE', 'PL'),
                          ('CIRCLE', 'CIR')] -%}
    {%- set ns = namespace(expr="' ' || regexp_replace(upper(trim(" ~ col ~ ")), '[[:space:]]+', ' ', 'g') || ' '") -%}
    {%- for long, short in long_forms -%}
        {%- set ns.expr = "replace(" ~ ns.expr ~ ", ' " ~ long ~ " ', ' " ~ short ~ " ')" -%}
    {%- endfor -%}
    nullif(trim({{ ns.expr }}), '')
{%- endmacro %}


{% macro generalize_house_number(col) -%}
    case
        when
            {{ regexp_matches_compat(col, "^[0-9]+ [^0-9].*$") }}
            and not {{ regexp_matches_compat(col, "^[0-9]+ BLOCK .*$") }}
            then
                cast(
                    cast(floor(cast(regexp_replace({{ col }}, '^([0-9]+) .*$', '\1') as {{ type_double() }}) / 100)
                    * 100 as bigint) as varchar
                )
                || ' BLOCK ' || regexp_replace({{ col }}, '^[0-9]+ ', '')
        else {{ col }}
    end
{%- endmacro %}
