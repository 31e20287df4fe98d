-- Referrals made at encounters, by program, type and category.
select
    referral_id,
    incident_number,
    program,
    referral_type,
    referral_category,
    referred_at_local,
    cast(date_trunc('month', referred_at_local) as date) as referred_month
from marts.fct_referrals
