-- One row per region: revenue in the latest quarter and its share.
-- share: percent
SELECT region,
       SUM(revenue) AS revenue,
       SUM(revenue) / (SELECT SUM(revenue) FROM sales WHERE quarter = (SELECT MAX(quarter) FROM sales)) AS share,
       MAX(growth) AS growth
FROM sales
WHERE quarter = (SELECT MAX(quarter) FROM sales)
GROUP BY region
ORDER BY revenue DESC
