-- source: warehouse
-- month: month
-- spend: money
SELECT s.month, p.family, SUM(s.amount) AS spend
FROM spend s JOIN products p USING (product_id)
GROUP BY s.month, p.family
ORDER BY s.month, p.family
