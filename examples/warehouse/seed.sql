-- Creates and fills the warehouse of the example briefing: dimensions of
-- customers, products and regions, and a fact table of monthly spend by
-- customer, product and region. Deterministic: the same figures every run.
--
--   psql "$WAREHOUSE_DSN" -v customers=1000 -f seed.sql
--
-- customers × 6 products × 5 regions × 36 months rows: 1000 customers give
-- 1,080,000 facts; 10000 give 10,800,000. Spend is illustrative.
\if :{?customers}
\else
\set customers 1000
\endif
\set ON_ERROR_STOP on

DROP TABLE IF EXISTS spend, customers, products, regions;

CREATE TABLE regions (region_id int PRIMARY KEY, region text NOT NULL);
INSERT INTO regions VALUES (1, 'North America'), (2, 'Europe'), (3, 'Asia Pacific'), (4, 'Middle East'), (5, 'Latin America');

CREATE TABLE products (product_id int PRIMARY KEY, product text NOT NULL, family text NOT NULL);
INSERT INTO products VALUES
  (1, 'GPT-4 API', 'Models'), (2, 'Embeddings API', 'Models'), (3, 'Fine-tuning', 'Models'),
  (4, 'Copilot seats', 'Subscriptions'), (5, 'Dedicated capacity', 'Infrastructure'), (6, 'Storage', 'Infrastructure');

CREATE TABLE customers (customer_id int PRIMARY KEY, customer text NOT NULL, segment text NOT NULL);
INSERT INTO customers
SELECT c, CASE c WHEN 1 THEN 'TikTok' WHEN 2 THEN 'Walmart' WHEN 3 THEN 'Intuit' WHEN 4 THEN 'G42' ELSE 'Customer ' || lpad(c::text, 5, '0') END,
       (ARRAY['Enterprise', 'Mid-market', 'Public sector', 'Startup'])[1 + c % 4]
FROM generate_series(1, :customers) c;

CREATE TABLE spend (
  month       date NOT NULL,
  customer_id int NOT NULL REFERENCES customers,
  product_id  int NOT NULL REFERENCES products,
  region_id   int NOT NULL REFERENCES regions,
  amount      numeric(14, 2) NOT NULL
);

-- A skewed, growing business: customer 1 is far the largest, every
-- customer grows ~2% a month, and a hash spreads the rest.
INSERT INTO spend
SELECT (DATE '2021-04-01' + make_interval(months => m))::date, c, p, r,
       round(((CASE WHEN c = 1 THEN 400000 WHEN c <= 4 THEN 40000 ELSE 300 + (c * 7919 + p * 104729 + r * 1299709) % 2700 END)
              * (1 + p % 3) * power(1.02, m) * (0.9 + ((c + m * 31 + p * 7 + r * 13) % 20) / 100.0))::numeric, 2)
FROM generate_series(0, 35) m, generate_series(1, :customers) c, generate_series(1, 6) p, generate_series(1, 5) r;

ANALYZE spend;
