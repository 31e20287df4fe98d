{#- Keyed pseudonymisation of person identifiers.

    The key comes from the environment variable ARP_HASH_KEY. It is handed to the database in a
    pre-hook (`set_hash_key`) and read back inside the SQL (`hash_key_value`), so it never appears
    in compiled model SQL, in the dbt docs site or in a view definition. Models that hash must
    therefore be tables (a view would need the key at query time) and carry the pre-hook.

    The digest is sha256(key || sha256(key || value)): the nested form is not open to SHA-256
    length extension, and it is computable in plain SQL on both engines (no pgcrypto needed).
    The default key is for the synthetic demo only; set ARP_HASH_KEY for real data. -#}

{% macro hash_key_default() -%}
    arp-demo-key-not-secret
{%- endmacro %}

{% macro hash_key_from_env() -%}
    {%- set key = env_var('ARP_HASH_KEY', hash_key_default() | trim) -%}
    {%- if key | length < 8 -%}
        {{ exceptions.raise_compiler_error("ARP_HASH_KEY must be at least 8 characters long") }}
    {%- endif -%}
    {{ return(key) }}
{%- endmacro %}

{% macro set_hash_key() -%}
    {{ return(adapter.dispatch('set_hash_key', 'alt_response')()) }}
{%- endmacro %}

{% macro postgres__set_hash_key() -%}
    select set_config('arp.hash_key', '{{ hash_key_from_env() | replace("'", "''") }}', false)
{%- endmacro %}

{% macro duckdb__set_hash_key() -%}
    set variable arp_hash_key = '{{ hash_key_from_env() | replace("'", "''") }}'
{%- endmacro %}

{% macro hash_key_value() -%}
    {{ return(adapter.dispatch('hash_key_value', 'alt_response')()) }}
{%- endmacro %}

{% macro postgres__hash_key_value() -%}
    {#- raises "unrecognized configuration parameter" when the pre-hook did not run -#}
    current_setting('arp.hash_key')
{%- endmacro %}

{% macro duckdb__hash_key_value() -%}
    coalesce(
        getvariable('arp_hash_key'),
        error('arp_hash_key is not set: hashing models need the set_hash_key() pre-hook')
    )
{%- endmacro %}

{% macro keyed_hash(value) -%}
    {{ return(adapter.dispatch('keyed_hash', 'alt_response')(value)) }}
{%- endmacro %}

{% macro postgres__keyed_hash(value) -%}
    encode(sha256(convert_to(
        {{ hash_key_value() }}
        || encode(sha256(convert_to({{ hash_key_value() }} || cast({{ value }} as text), 'UTF8')), 'hex'),
        'UTF8'
    )), 'hex')
{%- endmacro %}

{% macro duckdb__keyed_hash(value) -%}
    sha256({{ hash_key_value() }} || sha256({{ hash_key_value() }} || cast({{ value }} as varchar)))
{%- endmacro %}
