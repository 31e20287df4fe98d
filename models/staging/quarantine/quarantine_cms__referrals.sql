-- Raw referrals rows that failed a staging rule, with the reason.
{{ quarantined_rows('base_cms__referrals', 'raw_cms.referrals', 'referral_id') }}
