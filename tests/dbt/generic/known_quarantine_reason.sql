{#- The column holds only reasons of macro quarantine_reasons (null allowed: a staged row has none).
    Fails with each unknown reason and its count. -#}
{% test known_quarantine_reason(model, column_name) %}
select
    {{ column_name }} as unknown_reason,
    count(*) as rows_with_it
from {{ model }}
where {{ column_name }} is not null
    and {{ column_name }} not in ({{ quoted_list(quarantine_reasons()) }})
group by {{ column_name }}
{% endtest %}
