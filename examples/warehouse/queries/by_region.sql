-- source: warehouse
-- spend: money
SELECT r.region, SUM(s.amount) AS spend
FROM spend s JOIN regions r USING (region_id)
WHERE s.month = (SELECT MAX(month) FROM spend)
GROUP BY r.region
ORDER BY spend DESC
