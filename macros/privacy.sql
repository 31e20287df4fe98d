{#- Keyed pseudonymisation of person identifiers.

    The key (ARP_HASH_KEY or the file named by ARP_HASH_KEY_FILE) never passes through dbt: a dbt
    variable or env_var() would be written to dbt's logs, target files and partial-parse cache.
    It is set on each database session outside the dbt invocation (PostgreSQL: the setting
    arp.hash_key, from libpq's PGOPTIONS; DuckDB: the variable arp_hash_key, from the profile's
    plugin orchestration.privacy.duckdb_hash_key), and read here by name only
    (`hash_key_value`). orchestration/privacy/hash_key.py validates it: outside demo mode a
    missing key, the demo key or one under 256 bits stops the run.

    Models that hash are tables (a view would need the key at query time) and carry the pre-hook
    `set_hash_key()`, which now only checks that the session has a key and names the fix if not.

    The digest is sha256(key || sha256(key || value)): the nested form is not open to SHA-256
    length extension, and it is computable in plain SQL on both engines (no pgcrypto needed). -#}

{% macro set_hash_key() -%}
    {{ return(adapter.dispatch('set_hash_key', 'alt_response')()) }}
{%- endmacro %}

{% macro postgres__set_hash_key() -%}
    do $$ begin
        if coalesce(current_setting('arp.hash_key', true), '') = '' then
            raise exception 'arp.hash_key is not set on this session: run dbt through the pipeline or `python -m orchestration.privacy.run_dbt <dbt args>`, with ARP_HASH_KEY or ARP_HASH_KEY_FILE set';
        end if;
    end $$
{%- endmacro %}

{% macro duckdb__set_hash_key() -%}
    select {{ duckdb__hash_key_value() }} is not null as has_hash_key
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
        error('arp_hash_key is not set on this session: profiles.yml must list the plugin orchestration.privacy.duckdb_hash_key')
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
