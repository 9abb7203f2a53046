-- Timing: clock_ns, backend_cpu, server_scan (and its read-only guard and timeouts).
SET client_min_messages = warning;

-- clock_ns is CLOCK_REALTIME: it lies between two readings of the SQL clock (the same
-- clock, in microseconds) taken just before and just after it, however slow the machine
SELECT before_us <= ns / 1000 AND ns / 1000 <= after_us AS between_sql_clock_readings
  FROM (SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint AS before_us, benchlab.clock_ns() AS ns,
               (extract(epoch FROM clock_timestamp()) * 1000000)::bigint AS after_us
        OFFSET 0) AS readings;
SELECT benchlab.clock_ns() <= benchlab.clock_ns() AS monotone_here;

-- backend_cpu: plausible figures that grow with work
SELECT cpu_user_us >= 0 AND cpu_sys_us >= 0 AND peak_rss_bytes > 1000000 AS plausible FROM benchlab.backend_cpu();
CREATE TEMP TABLE cpu_before AS SELECT * FROM benchlab.backend_cpu();
SELECT count(*) FROM (SELECT md5(g::text) FROM generate_series(1, 200000) g) s;
SELECT a.cpu_user_us + a.cpu_sys_us > b.cpu_user_us + b.cpu_sys_us AS cpu_grew
  FROM benchlab.backend_cpu() a, cpu_before b;

-- server_scan: rows, wire bytes, checksums, time and CPU
CREATE TABLE ss_t (id int PRIMARY KEY, t text, n numeric, ts timestamptz, b bytea);
INSERT INTO ss_t SELECT g, 'row ' || g, g / 7.0, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute',
                        CASE WHEN g % 5 = 0 THEN NULL ELSE decode(md5(g::text), 'hex') END
  FROM generate_series(1, 10000) g;
SELECT rows, bytes > 0 AS has_bytes, elapsed_ns > 0 AS timed, cpu_user_us >= 0 AND cpu_sys_us >= 0 AS cpu_ok,
       checksum IS NOT NULL AS has_checksum
  FROM benchlab.server_scan('SELECT * FROM ss_t');
SELECT rows, bytes > 0 AS has_bytes, checksum IS NOT NULL AS has_checksum FROM benchlab.server_scan('SELECT * FROM ss_t', 'binary');
-- 'none' runs no output functions: no bytes, no checksum
SELECT rows, bytes, checksum FROM benchlab.server_scan('SELECT * FROM ss_t', 'none');
-- wire bytes: DataRow = 7 + per column 4 + value bytes (NULL: 4)
SELECT bytes = 10 * (7 + 4 + length('row 1'::text) + 4 + 1) FROM benchlab.server_scan('SELECT id % 1, ''row 1''::text FROM ss_t WHERE id <= 10');
SELECT bytes FROM benchlab.server_scan('SELECT 1::int4, NULL::int8', 'binary');
-- binary output of a type without a send function is an error, as for a client
SELECT rows FROM benchlab.server_scan('SELECT makeaclitem(''pg_monitor''::regrole, ''pg_monitor''::regrole, ''SELECT'', false)', 'binary');
-- the result of the function does not depend on how the query is written
SELECT a.checksum = b.checksum AS same
  FROM benchlab.server_scan('SELECT * FROM ss_t') a,
       benchlab.server_scan('SELECT * FROM ss_t WHERE id > 5000 UNION ALL SELECT * FROM ss_t WHERE id <= 5000') b;
-- empty result
SELECT rows, bytes, checksum FROM benchlab.server_scan('SELECT * FROM ss_t WHERE false');
-- parameters ($1) are not supported; utility statements, writes and locks are refused before they run
SELECT * FROM benchlab.server_scan('INSERT INTO ss_t VALUES (0)');
SELECT * FROM benchlab.server_scan('UPDATE ss_t SET t = ''x''');
SELECT * FROM benchlab.server_scan('DELETE FROM ss_t');
SELECT * FROM benchlab.server_scan('WITH d AS (DELETE FROM ss_t RETURNING *) SELECT * FROM d');
SELECT * FROM benchlab.server_scan('SELECT * FROM ss_t FOR UPDATE');
SELECT * FROM benchlab.server_scan('SELECT * FROM ss_t FOR SHARE');
SELECT * FROM benchlab.server_scan('SELECT * INTO ss_copy FROM ss_t');
SELECT * FROM benchlab.server_scan('CREATE TABLE ss_copy AS SELECT * FROM ss_t');
SELECT * FROM benchlab.server_scan('EXPLAIN ANALYZE DELETE FROM ss_t');
SELECT * FROM benchlab.server_scan('TRUNCATE ss_t');
SELECT * FROM benchlab.server_scan('DROP TABLE ss_t');
SELECT * FROM benchlab.server_scan('SELECT 1; DELETE FROM ss_t');
SELECT * FROM benchlab.server_scan('');
SELECT * FROM benchlab.server_scan('SELECT $1');
-- a SELECT that calls a writing function fails: the scan runs in a read-only transaction state
CREATE FUNCTION ss_writer() RETURNS int LANGUAGE plpgsql AS $$ BEGIN DELETE FROM ss_t; RETURN 1; END $$;
SELECT * FROM benchlab.server_scan('SELECT ss_writer()');
CREATE SEQUENCE ss_seq;
SELECT * FROM benchlab.server_scan('SELECT nextval(''ss_seq'')');
SELECT count(*) AS still_10000 FROM ss_t;
-- ... and the transaction is writable again afterwards
BEGIN;
SELECT rows FROM benchlab.server_scan('SELECT 1');
INSERT INTO ss_t VALUES (10001, 'after');
SELECT current_setting('transaction_read_only') AS read_only;
ROLLBACK;
-- syntax errors and unknown tables are reported as PostgreSQL reports them
SELECT * FROM benchlab.server_scan('SELEC 1');
SELECT * FROM benchlab.server_scan('SELECT * FROM no_such_table');
-- statement_timeout fires inside server_scan, in each format, and the session goes on.
-- Slow by construction: every row costs a pg_sleep of 1 ms, so the 10000 rows take at
-- least 10 s against a 100 ms timeout; the CONTEXT line is server_scan's own statement.
SET statement_timeout = '100ms';
SELECT * FROM benchlab.server_scan('SELECT t.*, pg_sleep(0.001) FROM ss_t t');
SELECT * FROM benchlab.server_scan('SELECT t.*, pg_sleep(0.001) FROM ss_t t', 'binary');
SELECT * FROM benchlab.server_scan('SELECT t.*, pg_sleep(0.001) FROM ss_t t', 'none');
RESET statement_timeout;
SELECT count(*) FROM ss_t;
-- cancel (the same interrupt path as statement_timeout) from a query whose rows only
-- run output functions: an endless stream (a recursive CTE that never ends), so the
-- timeout fires on any machine, while server_scan consumes rows
SET statement_timeout = '50ms';
SELECT * FROM benchlab.server_scan('WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT repeat(md5(n::text), 20) FROM r');
RESET statement_timeout;
-- memory is bounded by a row: 200000 rows of ~1 kB of output (200 MB if kept) leave the
-- backend's peak RSS within a few MB (no table, so shared buffers do not count here)
CREATE TEMP TABLE rss_before AS SELECT * FROM benchlab.backend_cpu();
SELECT rows, bytes > 200000000 AS over_200_mb FROM benchlab.server_scan('SELECT repeat(''x'', 1000) || g FROM generate_series(1, 200000) g');
SELECT rows FROM benchlab.server_scan('SELECT repeat(''y'', 1000)::bytea FROM generate_series(1, 200000) g', 'binary');
SELECT a.peak_rss_bytes - b.peak_rss_bytes < 50000000 AS bounded_memory FROM benchlab.backend_cpu() a, rss_before b;
-- NULL arguments and bad formats
SELECT * FROM benchlab.server_scan(NULL);
SELECT * FROM benchlab.server_scan('SELECT 1', NULL);
SELECT * FROM benchlab.server_scan('SELECT 1', 'csv');
SELECT * FROM benchlab.server_scan('SELECT 1', 'TEXT');

DROP FUNCTION ss_writer();
DROP SEQUENCE ss_seq;
DROP TABLE ss_t;
