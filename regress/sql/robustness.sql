-- A PostgreSQL error raised inside each function (statement timeout, cancel, errors
-- in the executor or in catalog lookups) reaches the client as that error, and the
-- backend keeps working: same session, same data, no leaked state.
SET client_min_messages = warning;
CREATE TABLE rb_big (id bigint PRIMARY KEY, pad text);
INSERT INTO rb_big SELECT g, repeat(md5(g::text), 3) FROM generate_series(1, 400000) g;
ANALYZE rb_big;
CREATE VIEW rb_div AS SELECT id, 100 / (id - 500) AS boom FROM rb_big;

-- errors raised by the executor under each function
SELECT * FROM benchlab.id_ranges('rb_div', 4, 'boom');
SELECT * FROM benchlab.range_checksum('rb_div', 'id', 1, 1000);
SELECT * FROM benchlab.server_scan('SELECT 1 / 0');
SELECT * FROM benchlab.server_scan('SELECT * FROM rb_div', 'binary');

-- statement_timeout inside each function that scans (terse: the error alone, wherever it fired)
CREATE FUNCTION rb_slow(bigint) RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.001); RETURN $1; END $$;
CREATE VIEW rb_slow_ids AS SELECT rb_slow(id) AS id FROM rb_big;
\set VERBOSITY terse
SET statement_timeout = '50ms';
SELECT * FROM benchlab.id_ranges('rb_slow_ids', 4);
SELECT * FROM benchlab.row_width_stats('rb_big');
SELECT * FROM benchlab.column_widths('rb_big');
SELECT * FROM benchlab.range_checksum('rb_big', 'id', 1, 400000);
SELECT * FROM benchlab.server_scan('SELECT * FROM rb_big a, rb_big b');
RESET statement_timeout;
\set VERBOSITY default

-- errors raised inside a subtransaction are caught by PL/pgSQL, and work continues there
DO $$
DECLARE n bigint := 0;
BEGIN
  FOR i IN 1..20 LOOP
    BEGIN
      PERFORM * FROM benchlab.server_scan('SELECT 1 / 0');
    EXCEPTION WHEN division_by_zero THEN n := n + 1;
    END;
    BEGIN
      PERFORM * FROM benchlab.id_ranges(0, 4);
    EXCEPTION WHEN undefined_table THEN n := n + 1;
    END;
    BEGIN
      PERFORM * FROM benchlab.range_checksum('rb_div', 'id', 1, 1000);
    EXCEPTION WHEN division_by_zero THEN n := n + 1;
    END;
  END LOOP;
  RAISE WARNING 'caught % errors', n;
  -- the transaction is still writable after errors inside the read-only scan
  INSERT INTO rb_big VALUES (400001, 'after errors');
END $$;

-- the session is healthy: the same functions give the right answers afterwards
SELECT count(*) FROM rb_big;
SELECT * FROM benchlab.id_ranges('rb_big', 2) ORDER BY part;
SELECT rows FROM benchlab.range_checksum('rb_big', 'id', 1, 500000);
SELECT rows FROM benchlab.server_scan('SELECT * FROM rb_big');
SELECT rows FROM benchlab.row_width_stats('rb_big', 100);
SELECT current_setting('transaction_read_only') AS read_only, current_setting('enable_sort') AS enable_sort;

DROP VIEW rb_div, rb_slow_ids;
DROP FUNCTION rb_slow(bigint);
DROP TABLE rb_big;
