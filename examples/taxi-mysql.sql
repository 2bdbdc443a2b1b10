-- examples/taxi-mysql.sql: the tables examples/taxi-to-mysql.json writes to.
-- Load it with:  mariadb taxi < examples/taxi-mysql.sql
-- Both tables take every field of a taxi record; columns are matched to
-- fields by name (sluice-pipeline(5), "SQL destinations").
CREATE TABLE IF NOT EXISTS card (
  seq               BIGINT        NOT NULL PRIMARY KEY,
  medallion         CHAR(32)      NOT NULL,
  hack_license      CHAR(32)      NOT NULL,
  vendor_id         VARCHAR(3)    NOT NULL,
  payment_type      VARCHAR(3)    NOT NULL,
  fare_amount       DECIMAL(8,2)  NOT NULL,
  surcharge         DECIMAL(8,2)  NOT NULL,
  mta_tax           DECIMAL(8,2)  NOT NULL,
  tip_amount        DECIMAL(8,2)  NOT NULL,
  tolls_amount      DECIMAL(8,2)  NOT NULL,
  total_amount      DECIMAL(8,2)  NOT NULL,
  rate_code         INT           NOT NULL,
  pickup_datetime   DATETIME      NOT NULL,
  dropoff_datetime  DATETIME      NOT NULL,
  passenger_count   INT           NOT NULL,
  trip_time_in_secs INT           NOT NULL,
  trip_distance     DOUBLE        NOT NULL,
  pickup_longitude  DOUBLE,
  pickup_latitude   DOUBLE,
  dropoff_longitude DOUBLE,
  dropoff_latitude  DOUBLE,
  credit_card       VARCHAR(19),
  credit_card_type  VARCHAR(16)   NOT NULL
);
CREATE TABLE IF NOT EXISTS cash LIKE card;
