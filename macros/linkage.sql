{#- Tolerances of the CAD <-> case-management linkage: the rules (int_encounters_linked_by_rule) and
    the blocking and time levels of the probabilistic model (int_link_pairs_compared). One place, so
    the documented rule and the SQL cannot drift. The model's thresholds are dbt vars
    (linkage_thresholds) because analysts tune them. -#}
{% macro linkage_settings() -%}
    {{ return({
        'exact_before_minutes': 60,
        'exact_after_hours': 24,
        'margin_minutes': 30,
        'open_window_hours': 4,
        'max_window_hours': 12,
        'phone_before_minutes': 30,
        'typed_early_minutes': 10,
        'fs_day_window_hours': 27,
        'fs_before_minutes': 60,
        'fs_prompt_minutes': 30,
        'fs_after_hours': 2,
        'fs_near_hours': 12,
    }) }}
{%- endmacro %}


{#- A unit call sign as a comparison key: letters and digits only, without the leading zeros of the
    number, so CAD's 'CRT03' and the 'CRT 3', 'crt3', 'CRT-03' staff type are one key. -#}
{% macro unit_key(col) -%}
    regexp_replace(regexp_replace(upper({{ col }}), '[^A-Z0-9]', '', 'g'), '^([A-Z]+)0+([0-9])', '\1\2')
{%- endmacro %}


{#- Positions at which two canonical incident numbers ('YYYY-NNNNNNN') differ: 1 for a changed
    digit, 2 for two swapped ones. -#}
{% macro digit_mismatches(a, b) -%}
    ({% for i in range(1, 13) %}case when substr({{ a }}, {{ i }}, 1) = substr({{ b }}, {{ i }}, 1) then 0 else 1 end{% if not loop.last %} + {% endif %}{% endfor %})
{%- endmacro %}


{#- The Fellegi-Sunter model of the encounters the rules leave: comparison levels (best first) with
    the prior m probability (share among true pairs), which EM refines, and a starting u (share among
    false pairs), which the model replaces by the shares among all pairs in the window (almost all
    false). The m values are what staff typing is known to do; they also act as a prior worth
    var linkage_m_prior_pairs true pairs, so a handful of leftovers cannot swing the fit. -#}
{% macro linkage_fs_start() -%}
    {{ return({
        'lambda': 0.01,
        'comparisons': {
            'incident_number': {'exact': [0.85, 0.0005], 'close': [0.08, 0.01], 'different': [0.07, 0.9895]},
            'unit': {'assigned': [0.93, 0.01], 'other_heart_unit': [0.04, 0.09], 'no_heart_unit': [0.03, 0.90]},
            'address': {'exact': [0.80, 0.003], 'similar_street': [0.10, 0.002], 'same_block_number': [0.03, 0.02],
                        'different': [0.07, 0.975]},
            'time': {'prompt': [0.50, 0.01], 'in_window': [0.41, 0.04], 'day_shifted': [0.04, 0.05],
                     'near': [0.04, 0.40], 'far': [0.01, 0.50]},
        },
    }) }}
{%- endmacro %}


{#- The parts of a normalized block address ('2900 BLOCK MLK JR PKWY') the linkage compares, computed
    once per row rather than once per pair: the block number (null when the address is not in
    block form), and the street's first letter, last word (its type) and length. -#}
{% macro address_parts(col) -%}
    case
        when {{ col }} like '% BLOCK %' then split_part({{ col }}, ' ', 1)
    end as block_number,
    left(regexp_replace({{ col }}, '^[0-9]+ BLOCK ', ''), 1) as street_initial,
    split_part(reverse(regexp_replace({{ col }}, '^[0-9]+ BLOCK ', '')), ' ', 1) as street_type,
    length(regexp_replace({{ col }}, '^[0-9]+ BLOCK ', '')) as street_length
{%- endmacro %}
