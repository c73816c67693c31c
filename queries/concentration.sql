-- Customer concentration per month: the largest account's share, the five
-- largest accounts' share, and the Herfindahl-Hirschman index (the sum of
-- squared percentage shares, 0 to 10,000) over the named accounts. The
-- combined long tail is many small customers, so it adds next to nothing
-- to the index and is left out of it.
-- top1_share: percent
-- top5_share: percent
-- hhi: number
SELECT month,
       MAX(CASE WHEN rank = 1 THEN share END)              AS top1_share,
       SUM(CASE WHEN rank <= 5 THEN share ELSE 0 END)      AS top5_share,
       SUM(CASE WHEN rank IS NOT NULL THEN share * share * 10000 ELSE 0 END) AS hhi
FROM customer_share
GROUP BY month
ORDER BY month
