-- source: warehouse
-- spend: money
-- share: percent
WITH latest AS (
  SELECT customer_id, SUM(amount) AS spend
  FROM spend
  WHERE month = (SELECT MAX(month) FROM spend)
  GROUP BY customer_id
)
SELECT c.customer, c.segment, l.spend, l.spend / SUM(l.spend) OVER () AS share
FROM latest l JOIN customers c USING (customer_id)
ORDER BY l.spend DESC
LIMIT 10
