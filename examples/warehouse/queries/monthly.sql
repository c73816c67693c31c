-- source: warehouse
-- month: month
-- spend: money
SELECT month, SUM(amount) AS spend, COUNT(DISTINCT customer_id) AS customers
FROM spend
GROUP BY month
ORDER BY month
