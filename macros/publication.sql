{#- The public tables built from the suppression decisions (models/public_marts/suppressed) are
    never rebuilt in place by the pipeline. With `--vars '{publication_candidate: true}'` dbt
    builds each as `<name>__candidate` beside the published table, runs its tests there, and the
    publication step (orchestration/public_tables/publication_gate.py) runs the blocking quality checks on
    the candidates and renames all of them over the published tables in one transaction. A failed
    test or check leaves yesterday's tables readable and untouched. Without the variable (an
    analyst's own `dbt build`) the models build under their own names, like any other model. -#}
{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
    {%- set name = custom_alias_name | trim if custom_alias_name is not none else node.name -%}
    {%- if var('publication_candidate', false) and node.resource_type == 'model'
          and node.fqn[1:3] == ['public_marts', 'suppressed'] -%}
        {{ name ~ '__candidate' }}
    {%- else -%}
        {{ name }}
    {%- endif -%}
{%- endmacro %}
