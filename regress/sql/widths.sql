-- benchlab.row_width_stats and benchlab.column_widths.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, MDY';

-- Fixed-width rows: every figure is known exactly.
CREATE TABLE w_fixed (a int NOT NULL, b bigint NOT NULL, c text NOT NULL);
INSERT INTO w_fixed SELECT g, g * 1000, 'abc' FROM generate_series(1, 1000) g;
-- stored: 24-byte header + int4 (4) + 4 bytes padding to align the int8 + int8 (8) + short varlena 'abc' (1 + 3) = 44
-- text: 7 + (4 + len(a)) + (4 + len(b)) + (4 + 3)
SELECT * FROM benchlab.row_width_stats('w_fixed');
SELECT * FROM benchlab.column_widths('w_fixed') ORDER BY attnum;
-- text widths agree with what the wire carries (server_scan bytes)
SELECT (SELECT text_bytes FROM benchlab.row_width_stats('w_fixed')) = (SELECT bytes FROM benchlab.server_scan('SELECT * FROM w_fixed')) AS text_bytes_match_wire;

-- NULL-heavy columns: the null bitmap appears in the stored width, nulls count 4 bytes on the wire
CREATE TABLE w_nulls (id int, maybe text, mostly_null numeric, never_null bool NOT NULL);
INSERT INTO w_nulls SELECT g, CASE WHEN g % 2 = 0 THEN 'even' END, CASE WHEN g % 10 = 0 THEN g END, g % 3 = 0
  FROM generate_series(1, 1000) g;
INSERT INTO w_nulls VALUES (NULL, NULL, NULL, true);
SELECT attnum, column_name, column_type, round(avg_stored_width::numeric, 3) AS avg_stored,
       round(avg_text_width::numeric, 3) AS avg_text, round(null_frac::numeric, 4) AS null_frac
  FROM benchlab.column_widths('w_nulls') ORDER BY attnum;
SELECT rows, stored_min, stored_max, text_min, text_max FROM benchlab.row_width_stats('w_nulls');
-- an all-NULL column has no average width
CREATE TABLE w_allnull (id int, x text);
INSERT INTO w_allnull SELECT g, NULL FROM generate_series(1, 10) g;
SELECT attnum, column_name, avg_stored_width, avg_text_width, null_frac FROM benchlab.column_widths('w_allnull') ORDER BY attnum;

-- percentiles (nearest rank) on a known distribution: widths 1..100 of text
CREATE TABLE w_dist (s text);
INSERT INTO w_dist SELECT repeat('z', g) FROM generate_series(1, 100) g;
SELECT rows, text_min, text_p50, text_p95, text_p99, text_max, round(text_avg::numeric, 2) AS text_avg
  FROM benchlab.row_width_stats('w_dist');

-- TOASTed values count with their stored (compressed, out-of-line) size
CREATE TABLE w_toast (id int, doc text);
ALTER TABLE w_toast ALTER COLUMN doc SET STORAGE EXTERNAL;
INSERT INTO w_toast SELECT g, repeat(md5(g::text), 200) FROM generate_series(1, 20) g;
SELECT stored_min > 6400 AS stored_counts_toast, text_min > 6400 AS text_counts_value
  FROM benchlab.row_width_stats('w_toast');
SELECT column_name, avg_stored_width FROM benchlab.column_widths('w_toast') ORDER BY attnum;

-- sampling: TABLESAMPLE SYSTEM reads a fraction of the pages
CREATE TABLE w_big (id int, pad text);
INSERT INTO w_big SELECT g, repeat('p', 50) FROM generate_series(1, 50000) g;
SELECT rows < 50000 AS sampled, stored_min = stored_max AS uniform_rows,
       est_table_rows BETWEEN 20000 AND 80000 AS estimate_plausible
  FROM benchlab.row_width_stats('w_big', 10);
SELECT rows = 50000 AS all_rows FROM benchlab.row_width_stats('w_big', 100);
SELECT count(*) FROM benchlab.column_widths('w_big', 0.5);

-- empty table: zero rows, no distribution
CREATE TABLE w_empty (id int, t text);
SELECT * FROM benchlab.row_width_stats('w_empty');
SELECT * FROM benchlab.column_widths('w_empty') ORDER BY attnum;

-- partitioned tables are read through their partitions
CREATE TABLE w_parted (id int, t text) PARTITION BY RANGE (id);
CREATE TABLE w_parted_1 PARTITION OF w_parted FOR VALUES FROM (0) TO (100);
CREATE TABLE w_parted_2 PARTITION OF w_parted FOR VALUES FROM (100) TO (200);
INSERT INTO w_parted SELECT g, 'x' FROM generate_series(0, 199) g;
SELECT rows FROM benchlab.row_width_stats('w_parted');

-- bad input
SELECT * FROM benchlab.row_width_stats('w_fixed', 0);
SELECT * FROM benchlab.row_width_stats('w_fixed', -5);
SELECT * FROM benchlab.row_width_stats('w_fixed', 100.5);
SELECT * FROM benchlab.row_width_stats('w_fixed', 'NaN');
SELECT * FROM benchlab.row_width_stats('w_fixed', NULL);
SELECT * FROM benchlab.row_width_stats(NULL);
SELECT * FROM benchlab.column_widths('w_fixed', 0);
SELECT * FROM benchlab.column_widths(NULL);
SELECT * FROM benchlab.column_widths('no_such_table');
CREATE VIEW w_view AS SELECT * FROM w_fixed;
SELECT * FROM benchlab.row_width_stats('w_view');

DROP VIEW w_view;
DROP TABLE w_fixed, w_nulls, w_allnull, w_dist, w_toast, w_big, w_empty, w_parted;
