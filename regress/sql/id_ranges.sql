-- benchlab.id_ranges: contiguous key ranges balanced by row count.
SET client_min_messages = warning;

-- Checks that ranges are contiguous, cover every row once, and report true counts.
CREATE FUNCTION pg_temp.check_ranges(rel regclass, key text, parts int, exact bool DEFAULT true)
RETURNS TABLE (nparts bigint, contiguous bool, covers_all bool, counts_true bool, max_minus_min bigint)
LANGUAGE plpgsql AS $$
DECLARE r record; prev_hi bigint; ok_contig bool := true; ok_counts bool := true; covered bigint := 0;
        total bigint; actual bigint; n bigint := 0; mx bigint := NULL; mn bigint := NULL;
BEGIN
  EXECUTE format('SELECT count(%I) FROM %s', key, rel) INTO total;
  FOR r IN SELECT * FROM benchlab.id_ranges(rel, parts, key, exact) ORDER BY part LOOP
    n := n + 1;
    IF prev_hi IS NOT NULL AND r.lo <> prev_hi + 1 THEN ok_contig := false; END IF;
    IF r.lo > r.hi THEN ok_contig := false; END IF;
    prev_hi := r.hi;
    EXECUTE format('SELECT count(*) FROM %s WHERE %I BETWEEN $1 AND $2', rel, key) INTO actual USING r.lo, r.hi;
    covered := covered + actual;
    IF exact AND actual <> r.rows THEN ok_counts := false; END IF;
    mx := greatest(mx, actual); mn := least(mn, actual);
  END LOOP;
  RETURN QUERY SELECT n, ok_contig, covered = total, ok_counts, mx - mn;
END $$;

-- dense unique key
CREATE TABLE ir_dense (id bigint PRIMARY KEY, v text);
INSERT INTO ir_dense SELECT g, 'v' || g FROM generate_series(1, 10000) g;
ANALYZE ir_dense;
SELECT * FROM benchlab.id_ranges('ir_dense', 4) ORDER BY part;
SELECT * FROM benchlab.id_ranges('ir_dense', 3) ORDER BY part;
SELECT * FROM pg_temp.check_ranges('ir_dense', 'id', 7);

-- sparse and skewed: ids 1..1000 plus 10^9..10^9+1000; balanced by rows, not by width
CREATE TABLE ir_sparse (id bigint PRIMARY KEY, v text);
INSERT INTO ir_sparse SELECT g, 'a' FROM generate_series(1, 1000) g;
INSERT INTO ir_sparse SELECT g, 'b' FROM generate_series(1000000000, 1000001000) g;
ANALYZE ir_sparse;
SELECT * FROM benchlab.id_ranges('ir_sparse', 4) ORDER BY part;
SELECT * FROM pg_temp.check_ranges('ir_sparse', 'id', 4);
SELECT * FROM pg_temp.check_ranges('ir_sparse', 'id', 13);
-- approximate: from statistics, ends open to the type's limits, estimates near the truth
SELECT part, lo, hi, rows FROM benchlab.id_ranges('ir_sparse', 4, exact => false) ORDER BY part;
SELECT nparts, contiguous, covers_all, max_minus_min < 2001 * 0.2 AS roughly_balanced
  FROM pg_temp.check_ranges('ir_sparse', 'id', 4, false);
SELECT sum(rows) BETWEEN 1900 AND 2100 AS estimate_near_2001,
       min(lo) = -9223372036854775808 AND max(hi) = 9223372036854775807 AS open_ends
  FROM benchlab.id_ranges('ir_sparse', 4, exact => false);

-- the exact walk uses the key's index (index scans counted in this transaction)
BEGIN;
SELECT count(*) FROM benchlab.id_ranges('ir_dense', 5);
SELECT pg_stat_get_xact_numscans('ir_dense_pkey'::regclass) > 0 AS used_index;
COMMIT;

-- duplicates: a key value never straddles two parts
CREATE TABLE ir_dups (k int, v text);
CREATE INDEX ON ir_dups (k);
INSERT INTO ir_dups SELECT g / 10, 'x' FROM generate_series(0, 999) g;   -- 100 keys x 10 rows
INSERT INTO ir_dups SELECT 50, 'hot' FROM generate_series(1, 300);       -- one hot key
ANALYZE ir_dups;
SELECT * FROM benchlab.id_ranges('ir_dups', 4, 'k') ORDER BY part;
SELECT nparts, contiguous, covers_all, counts_true FROM pg_temp.check_ranges('ir_dups', 'k', 4);
SELECT nparts, contiguous, covers_all FROM pg_temp.check_ranges('ir_dups', 'k', 4, false);

-- Keys too many to keep from one walk (benchlab.id_ranges_memory) take a second walk:
-- same ranges either way, including an overflow half-way through the first walk.
CREATE TABLE ir_mid (id bigint PRIMARY KEY);
INSERT INTO ir_mid SELECT g * 3 + (g % 7) FROM generate_series(1, 100000) g;
CREATE TABLE ir_limits2 (id bigint PRIMARY KEY);
INSERT INTO ir_limits2 VALUES (-9223372036854775808), (-1), (0), (1), (9223372036854775806), (9223372036854775807);
CREATE FUNCTION pg_temp.all_ranges() RETURNS TABLE (t text, part int, lo bigint, hi bigint, "rows" bigint)
LANGUAGE sql AS $$
  SELECT 'dense', * FROM benchlab.id_ranges('ir_dense', 7) UNION ALL
  SELECT 'sparse', * FROM benchlab.id_ranges('ir_sparse', 13) UNION ALL
  SELECT 'dups', * FROM benchlab.id_ranges('ir_dups', 4, 'k') UNION ALL
  SELECT 'mid', * FROM benchlab.id_ranges('ir_mid', 9) UNION ALL
  SELECT 'limits', * FROM benchlab.id_ranges('ir_limits2', 4) $$;
CREATE TEMP TABLE one_walk AS SELECT * FROM pg_temp.all_ranges();
SET benchlab.id_ranges_memory = 0;
CREATE TEMP TABLE two_walks AS SELECT * FROM pg_temp.all_ranges();
SET benchlab.id_ranges_memory = 64;
CREATE TEMP TABLE overflow_midway AS SELECT * FROM pg_temp.all_ranges();
RESET benchlab.id_ranges_memory;
SELECT t, count(*) AS parts, max(rows) - min(rows) AS spread FROM one_walk GROUP BY t ORDER BY t;
SELECT NOT EXISTS ((SELECT * FROM one_walk EXCEPT SELECT * FROM two_walks) UNION ALL (SELECT * FROM two_walks EXCEPT SELECT * FROM one_walk)) AS two_walks_same,
       NOT EXISTS ((SELECT * FROM one_walk EXCEPT SELECT * FROM overflow_midway) UNION ALL (SELECT * FROM overflow_midway EXCEPT SELECT * FROM one_walk)) AS overflow_same;
SELECT * FROM benchlab.id_ranges('ir_limits2', 4) ORDER BY part;
SET benchlab.id_ranges_memory = -1;

-- no index on the key: still exact (sorted instead)
CREATE TABLE ir_noindex (n smallint, v text);
INSERT INTO ir_noindex SELECT (g * 7) % 1000, 'v' FROM generate_series(1, 1000) g;
SELECT * FROM benchlab.id_ranges('ir_noindex', 3, 'n') ORDER BY part;

-- NULL keys are in no range: a warning says how many
CREATE TABLE ir_nulls (id int);
INSERT INTO ir_nulls SELECT CASE WHEN g % 2 = 0 THEN g END FROM generate_series(1, 10) g;
SET client_min_messages = notice;
SELECT * FROM benchlab.id_ranges('ir_nulls', 2) ORDER BY part;
SET client_min_messages = warning;

-- empty table, parts greater than rows
CREATE TABLE ir_empty (id int PRIMARY KEY);
SELECT * FROM benchlab.id_ranges('ir_empty', 4) ORDER BY part;
SELECT * FROM benchlab.id_ranges('ir_empty', 4, exact => false) ORDER BY part;
ANALYZE ir_empty;
SELECT * FROM benchlab.id_ranges('ir_empty', 4, exact => false) ORDER BY part;
CREATE TABLE ir_three (id int PRIMARY KEY);
INSERT INTO ir_three VALUES (5), (10), (2000000000);
SELECT * FROM benchlab.id_ranges('ir_three', 10) ORDER BY part;
ANALYZE ir_three;
SELECT part, lo, hi, rows FROM benchlab.id_ranges('ir_three', 10, exact => false) ORDER BY part;
SELECT * FROM benchlab.id_ranges('ir_three', 1) ORDER BY part;

-- keys at the limits of bigint
CREATE TABLE ir_limits (id bigint PRIMARY KEY);
INSERT INTO ir_limits VALUES (-9223372036854775808), (0), (9223372036854775807);
SELECT * FROM benchlab.id_ranges('ir_limits', 2) ORDER BY part;
SELECT * FROM benchlab.id_ranges('ir_limits', 3) ORDER BY part;

-- views work in exact mode (the walk is a query)
CREATE VIEW ir_view AS SELECT id FROM ir_dense WHERE id <= 100;
SELECT * FROM benchlab.id_ranges('ir_view', 2) ORDER BY part;

-- bad input
SELECT * FROM benchlab.id_ranges('ir_dense', 0);
SELECT * FROM benchlab.id_ranges('ir_dense', -1);
SELECT * FROM benchlab.id_ranges('ir_dense', 100001);
SELECT * FROM benchlab.id_ranges('ir_dense', NULL);
SELECT * FROM benchlab.id_ranges(NULL, 4);
SELECT * FROM benchlab.id_ranges('ir_dense', 4, NULL);
SELECT * FROM benchlab.id_ranges('ir_dense', 4, 'id', NULL);
SELECT * FROM benchlab.id_ranges('ir_dense', 4, 'missing');
SELECT * FROM benchlab.id_ranges('ir_dense', 4, 'v');
SELECT * FROM benchlab.id_ranges('no_such_table', 4);
SELECT * FROM benchlab.id_ranges(12345678::oid::regclass, 4);
SELECT * FROM benchlab.id_ranges('ir_dense_pkey', 4);
SELECT * FROM benchlab.id_ranges('ir_view', 2, exact => false);
CREATE TABLE ir_unanalyzed (id int PRIMARY KEY);
INSERT INTO ir_unanalyzed VALUES (1), (2);
SELECT * FROM benchlab.id_ranges('ir_unanalyzed', 2, exact => false);

DROP VIEW ir_view;
DROP TABLE ir_mid, ir_limits2, ir_dense, ir_sparse, ir_dups, ir_noindex, ir_nulls, ir_empty, ir_three, ir_limits, ir_unanalyzed;
