-- A PostgreSQL error raised inside each function (statement timeout, cancel, errors
-- in the executor or in catalog lookups) reaches the client as that error, and the
-- backend keeps working: same session, same data, no leaked state.
SET client_min_messages = warning;
CREATE TABLE rb_t (id bigint PRIMARY KEY, pad text);
INSERT INTO rb_t SELECT g, repeat(md5(g::text), 3) FROM generate_series(1, 1000) g;
ANALYZE rb_t;
CREATE VIEW rb_div AS SELECT id, 100 / (id - 500) AS boom FROM rb_t;

-- errors raised by the executor under each function
SELECT * FROM benchlab.id_ranges('rb_div', 4, 'boom');
SELECT * FROM benchlab.range_checksum('rb_div', 'id', 1, 1000);
SELECT * FROM benchlab.server_scan('SELECT 1 / 0');
SELECT * FROM benchlab.server_scan('SELECT * FROM rb_div', 'binary');

-- statement_timeout inside each function that scans. The scans are slow by
-- construction, on any machine: every row they read costs a pg_sleep of 1 ms, so
-- reading the 1000 rows takes at least 1 s, ten times the 100 ms timeout, while the
-- argument and catalog checks before the scan take well under a millisecond. The
-- CONTEXT line is the function's own statement: the canceling error was raised inside
-- the function's scan and came out as that error.
-- Functions that read views: a view that sleeps per row.
CREATE VIEW rb_slow AS SELECT * FROM rb_t WHERE pg_sleep(0.001)::text = '';
SET statement_timeout = '100ms';
SELECT * FROM benchlab.id_ranges('rb_slow', 4);
SELECT * FROM benchlab.range_checksum('rb_slow', 'id', 1, 1000);
SELECT * FROM benchlab.server_scan('SELECT * FROM rb_slow');
RESET statement_timeout;
-- Functions that refuse views (row_width_stats, column_widths): a row-security policy
-- that sleeps per row, which applies to a reader that does not own the table.
ALTER TABLE rb_t ENABLE ROW LEVEL SECURITY;
CREATE POLICY rb_slow_rows ON rb_t FOR SELECT USING (pg_sleep(0.001)::text = '');
CREATE ROLE regress_benchlab_slow;
GRANT SELECT ON rb_t TO regress_benchlab_slow;
SET ROLE regress_benchlab_slow;
SET statement_timeout = '100ms';
SELECT * FROM benchlab.row_width_stats('rb_t');
SELECT * FROM benchlab.column_widths('rb_t');
RESET statement_timeout;
RESET ROLE;
-- the table's owner is not subject to the policy: the same calls answer
SELECT rows FROM benchlab.row_width_stats('rb_t');
SELECT count(*) AS columns FROM benchlab.column_widths('rb_t');
DROP POLICY rb_slow_rows ON rb_t;
ALTER TABLE rb_t DISABLE ROW LEVEL SECURITY;

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
  INSERT INTO rb_t VALUES (1001, 'after errors');
END $$;

-- the session is healthy: the same functions give the right answers afterwards
SELECT count(*) FROM rb_t;
SELECT * FROM benchlab.id_ranges('rb_t', 2) ORDER BY part;
SELECT rows FROM benchlab.range_checksum('rb_t', 'id', 1, 5000);
SELECT rows FROM benchlab.server_scan('SELECT * FROM rb_t');
SELECT rows FROM benchlab.row_width_stats('rb_t', 100);
SELECT current_setting('transaction_read_only') AS read_only, current_setting('enable_sort') AS enable_sort,
       current_user = session_user AS own_role;

DROP VIEW rb_div, rb_slow;
DROP TABLE rb_t;
DROP ROLE regress_benchlab_slow;
