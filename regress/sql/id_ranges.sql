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
  SELECT 'limits', * FROM benchlab.id_ranges('ir_limits2', 4) UNION ALL
  SELECT 'mid_bounded', * FROM benchlab.id_ranges('ir_mid', 9, 'id', true, 1000, 200000) $$;
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

-- Bounds: only keys in [lo, hi] are split (NULL: unbounded on that side).
-- Checks a bounded split: contiguous, inside the bounds, true counts that add up to
-- count(*) within the bounds, and the spread between the largest and smallest part.
CREATE FUNCTION pg_temp.check_bounded(rel regclass, key text, parts int, lo bigint, hi bigint, exact bool DEFAULT true)
RETURNS TABLE (nparts bigint, contiguous bool, inside bool, sum_is_count bool, counts_true bool, max_minus_min bigint)
LANGUAGE plpgsql AS $$
DECLARE r record; prev_hi bigint; ok_contig bool := true; ok_inside bool := true; ok_counts bool := true;
        total bigint; actual bigint; covered bigint := 0; reported bigint := 0; n bigint := 0; mx bigint; mn bigint;
BEGIN
  EXECUTE format('SELECT count(*) FROM %s WHERE %I >= coalesce($1, %I) AND %I <= coalesce($2, %I)', rel, key, key, key, key)
    INTO total USING lo, hi;
  FOR r IN SELECT * FROM benchlab.id_ranges(rel, parts, key, exact, lo, hi) ORDER BY part LOOP
    n := n + 1;
    IF prev_hi IS NOT NULL AND r.lo <> prev_hi + 1 THEN ok_contig := false; END IF;
    IF r.lo > r.hi THEN ok_contig := false; END IF;
    IF r.lo < coalesce(lo, r.lo) OR r.hi > coalesce(hi, r.hi) THEN ok_inside := false; END IF;
    prev_hi := r.hi;
    EXECUTE format('SELECT count(*) FROM %s WHERE %I BETWEEN $1 AND $2', rel, key) INTO actual USING r.lo, r.hi;
    covered := covered + actual;
    reported := reported + r.rows;
    IF exact AND actual <> r.rows THEN ok_counts := false; END IF;
    mx := greatest(mx, actual); mn := least(mn, actual);
  END LOOP;
  RETURN QUERY SELECT n, ok_contig, ok_inside, covered = total AND (NOT exact OR reported = total), ok_counts, mx - mn;
END $$;

-- dense: a prefix, a middle and a suffix (each bound alone)
SELECT * FROM benchlab.id_ranges('ir_dense', 4, 'id', true, NULL, 1000) ORDER BY part;
SELECT * FROM benchlab.id_ranges('ir_dense', 3, lo => 9001) ORDER BY part;
SELECT * FROM pg_temp.check_bounded('ir_dense', 'id', 7, 1, 9000);
SELECT * FROM pg_temp.check_bounded('ir_dense', 'id', 7, 2501, 7777);
SELECT * FROM pg_temp.check_bounded('ir_dense', 'id', 7, 5000, NULL);
SELECT * FROM pg_temp.check_bounded('ir_dense', 'id', 7, NULL, NULL);
-- the bounded walk starts and stops at the bounds: the index returns only those keys
-- (counters are pending per backend; within one transaction block they only grow)
BEGIN;
CREATE TEMP TABLE ir_before AS
  SELECT pg_stat_get_xact_numscans('ir_dense_pkey'::regclass) AS scans,
         pg_stat_get_xact_tuples_returned('ir_dense_pkey'::regclass) AS keys;
SELECT count(*) FROM benchlab.id_ranges('ir_dense', 5, 'id', true, 2001, 2300);
SELECT pg_stat_get_xact_numscans('ir_dense_pkey'::regclass) > scans AS used_index,
       pg_stat_get_xact_tuples_returned('ir_dense_pkey'::regclass) - keys AS index_keys_read
  FROM ir_before;
DROP TABLE ir_before;
COMMIT;
-- sparse: bounds across the gap, balanced by rows, not by width
SELECT * FROM benchlab.id_ranges('ir_sparse', 4, 'id', true, 501, 1000000500) ORDER BY part;
SELECT * FROM pg_temp.check_bounded('ir_sparse', 'id', 13, 501, 1000000500);
SELECT * FROM pg_temp.check_bounded('ir_sparse', 'id', 4, 1000, 1000000000);
-- skewed: duplicates and the hot key inside the bounds (a key value never straddles)
SELECT * FROM benchlab.id_ranges('ir_dups', 4, 'k', true, 40, 69) ORDER BY part;
SELECT nparts, contiguous, inside, sum_is_count, counts_true FROM pg_temp.check_bounded('ir_dups', 'k', 4, 40, 69);
SELECT nparts, contiguous, inside, sum_is_count, counts_true FROM pg_temp.check_bounded('ir_dups', 'k', 3, 51, 99);
-- a second walk (benchlab.id_ranges_memory = 0) gives the same bounded ranges
SELECT NOT EXISTS (SELECT * FROM one_walk WHERE t = 'mid_bounded' EXCEPT SELECT * FROM two_walks WHERE t = 'mid_bounded')
       AND (SELECT count(*) FROM two_walks WHERE t = 'mid_bounded') = 9 AS bounded_two_walks_same;
-- no index: sorted, still bounded; NULL keys are outside any bounds (no warning)
SELECT * FROM benchlab.id_ranges('ir_noindex', 2, 'n', true, 100, 199) ORDER BY part;
SET client_min_messages = notice;
SELECT * FROM benchlab.id_ranges('ir_nulls', 2, 'id', true, 1, 100) ORDER BY part;
SET client_min_messages = warning;
-- bounds outside the data, an empty range, a single key, lo = hi
SELECT * FROM benchlab.id_ranges('ir_dense', 4, 'id', true, 20000, 30000) ORDER BY part;
SELECT * FROM benchlab.id_ranges('ir_dense', 4, 'id', true, -100, 0) ORDER BY part;
SELECT * FROM benchlab.id_ranges('ir_sparse', 4, 'id', true, 1001, 999999999) ORDER BY part;
SELECT * FROM benchlab.id_ranges('ir_dense', 4, 'id', true, -100, 2) ORDER BY part;
SELECT * FROM benchlab.id_ranges('ir_dense', 4, 'id', true, 77, 77) ORDER BY part;
SELECT * FROM benchlab.id_ranges('ir_empty', 4, 'id', true, 1, 10) ORDER BY part;
-- int4 and int2 keys with bigint bounds beyond their type; bigint limits
SELECT * FROM benchlab.id_ranges('ir_three', 2, 'id', true, -1000000000000, 1000000000000) ORDER BY part;
SELECT * FROM benchlab.id_ranges('ir_three', 2, 'id', true, 3000000000, NULL) ORDER BY part;
SELECT * FROM benchlab.id_ranges('ir_noindex', 2, 'n', true, 990, 100000) ORDER BY part;
SELECT * FROM benchlab.id_ranges('ir_limits', 2, 'id', true, -9223372036854775808, 0) ORDER BY part;
SELECT * FROM benchlab.id_ranges('ir_limits', 2, 'id', true, 0, 9223372036854775807) ORDER BY part;
-- approximate: estimates clipped to the bounds; first lo and last hi are the bounds
SELECT nparts, contiguous, inside, sum_is_count FROM pg_temp.check_bounded('ir_sparse', 'id', 4, 501, 1000000500, false);
SELECT sum(rows) BETWEEN 900 AND 1100 AS estimate_near_1001, min(lo) = 501 AND max(hi) = 1000000500 AS bounded_ends
  FROM benchlab.id_ranges('ir_sparse', 4, 'id', false, 501, 1000000500);
SELECT sum(rows) BETWEEN 400 AND 600 AS estimate_near_500, min(lo) = -9223372036854775808 AND max(hi) = 500 AS ends
  FROM benchlab.id_ranges('ir_sparse', 3, 'id', false, NULL, 500);
SELECT sum(rows) BETWEEN 2400 AND 2600 AS estimate_near_2500, count(*) AS nparts
  FROM benchlab.id_ranges('ir_dense', 4, 'id', false, 2501, 5000);
-- bounds inside the gap: the histogram bucket spanning it spreads a few rows there
SELECT * FROM benchlab.id_ranges('ir_sparse', 4, 'id', false, 1001, 999999999) ORDER BY part;
-- no estimated rows inside the bounds: one part covering them, 0 rows
SELECT * FROM benchlab.id_ranges('ir_sparse', 4, 'id', false, 2000000000, 3000000000) ORDER BY part;
SELECT * FROM benchlab.id_ranges('ir_sparse', 4, 'id', false, NULL, -5) ORDER BY part;
-- int4 key: bounds clipped to the type; bounds no int4 can be in: nothing
SELECT part, lo, hi FROM benchlab.id_ranges('ir_three', 2, 'id', false, NULL, 1000000000000) ORDER BY part;
SELECT * FROM benchlab.id_ranges('ir_three', 2, 'id', false, 3000000000, NULL) ORDER BY part;
-- bad bounds
SELECT * FROM benchlab.id_ranges('ir_dense', 4, 'id', true, 10, 9);
SELECT * FROM benchlab.id_ranges('ir_dense', 4, 'id', false, 10, 9);

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
