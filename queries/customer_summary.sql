-- One row per named customer: who they are and where their spend stands
-- in the latest month. Each row becomes a page (content/customer.md).
-- first_month: month
-- first_spend_usd: money
-- latest_spend_usd: money
-- growth_since_first: percent
SELECT c.customer,
       c.parent,
       c.segment,
       c.region,
       c.customer_since,
       c.previous_cloud_provider,
       c.use_case,
       c.figures,
       f.month               AS first_month,
       f.monthly_spend_usd   AS first_spend_usd,
       l.monthly_spend_usd   AS latest_spend_usd,
       l.share,
       l.rank,
       l.monthly_spend_usd / f.monthly_spend_usd - 1 AS growth_since_first
FROM customers AS c
JOIN customer_share AS l ON l.customer = c.customer
     AND l.month = (SELECT MAX(month) FROM monthly_spend)
JOIN customer_share AS f ON f.customer = c.customer
     AND f.month = (SELECT MIN(month) FROM monthly_spend)
WHERE c.account_type = 'named'
ORDER BY l.monthly_spend_usd DESC
