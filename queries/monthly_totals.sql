-- Total spend per month, its annual run-rate and growth on the month before.
-- total_spend_usd: money
-- run_rate_usd: money
-- growth_mom: percent
SELECT month,
       SUM(monthly_spend_usd)      AS total_spend_usd,
       SUM(monthly_spend_usd) * 12 AS run_rate_usd,
       SUM(monthly_spend_usd) / LAG(SUM(monthly_spend_usd)) OVER (ORDER BY month) - 1 AS growth_mom
FROM monthly_spend
GROUP BY month
ORDER BY month
