-- Each customer's share of each month's total spend, and its rank among
-- the named accounts (the combined long tail has no rank).
-- share: percent
SELECT s.month,
       s.customer,
       c.segment,
       c.region,
       c.account_type,
       s.monthly_spend_usd,
       s.monthly_spend_usd / t.total_spend_usd AS share,
       CASE WHEN c.account_type = 'named'
            THEN RANK() OVER (PARTITION BY s.month, c.account_type ORDER BY s.monthly_spend_usd DESC)
       END AS rank
FROM monthly_spend AS s
JOIN customers AS c USING (customer)
JOIN monthly_totals AS t USING (month)
ORDER BY s.month, s.monthly_spend_usd DESC
