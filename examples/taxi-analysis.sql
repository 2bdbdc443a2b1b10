-- examples/taxi-analysis.sql: questions for the tables examples/taxi-to-mysql.json filled.
-- mariadb --table taxi < examples/taxi-analysis.sql

-- How do card and cash trips compare?
SELECT 'card' AS paid_by, COUNT(*) AS trips, ROUND(AVG(fare_amount), 2) AS avg_fare,
       ROUND(AVG(tip_amount), 2) AS avg_tip, ROUND(SUM(total_amount), 2) AS revenue
  FROM card
UNION ALL
SELECT 'cash', COUNT(*), ROUND(AVG(fare_amount), 2), ROUND(AVG(tip_amount), 2), ROUND(SUM(total_amount), 2)
  FROM cash;

-- Which card brands tip best, as a share of the fare?
SELECT credit_card_type, COUNT(*) AS trips,
       ROUND(100 * SUM(tip_amount) / SUM(fare_amount), 1) AS tip_percent
  FROM card
 GROUP BY credit_card_type
 ORDER BY tip_percent DESC;

-- The busiest hours of the day, all payments.
SELECT HOUR(pickup_datetime) AS hour, COUNT(*) AS trips
  FROM (SELECT pickup_datetime FROM card UNION ALL SELECT pickup_datetime FROM cash) AS t
 GROUP BY hour
 ORDER BY trips DESC
 LIMIT 5;
