-- Revenue per month, and growth on the month before.
-- growth: percent
SELECT month,
       SUM(revenue) AS revenue,
       SUM(revenue) / LAG(SUM(revenue)) OVER (ORDER BY month) - 1 AS growth
FROM revenue
GROUP BY month
ORDER BY month
