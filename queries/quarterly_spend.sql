-- Monthly spend rolled up into calendar quarters.
-- quarter: quarter
-- spend_usd: money
-- months: number
SELECT quarter_of(month)       AS quarter,
       SUM(monthly_spend_usd)  AS spend_usd,
       COUNT(DISTINCT month)   AS months
FROM monthly_spend
GROUP BY quarter_of(month)
ORDER BY quarter
