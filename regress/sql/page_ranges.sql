-- benchlab.page_ranges: block ranges for TID range scans, from the relation's real size.
SET client_min_messages = warning;

-- Rows found by TID range scans over every part add up to the table.
CREATE FUNCTION pg_temp.rows_by_pages(rel regclass, parts int)
RETURNS TABLE (nparts bigint, contiguous bool, rows_covered bigint, blocks_differ_by bigint)
LANGUAGE plpgsql AS $$
DECLARE r record; n bigint := 0; covered bigint := 0; c bigint; prev bigint := -1; ok bool := true;
        mx bigint; mn bigint;
BEGIN
  FOR r IN SELECT * FROM benchlab.page_ranges(rel, parts) ORDER BY part LOOP
    n := n + 1;
    IF r.first_block <> prev + 1 OR r.last_block < r.first_block THEN ok := false; END IF;
    prev := r.last_block;
    EXECUTE format('SELECT count(*) FROM %s WHERE ctid >= $1 AND ctid < $2', rel)
      INTO c USING format('(%s,0)', r.first_block)::tid, format('(%s,0)', r.last_block + 1)::tid;
    covered := covered + c;
    mx := greatest(mx, r.last_block - r.first_block + 1); mn := least(mn, r.last_block - r.first_block + 1);
  END LOOP;
  RETURN QUERY SELECT n, ok AND prev + 1 = pg_relation_size(rel) / current_setting('block_size')::bigint, covered, mx - mn;
END $$;

CREATE TABLE pr_t (id int, pad text) WITH (autovacuum_enabled = off);
-- relpages is 0 (never analyzed or vacuumed): the ranges must still cover the table
INSERT INTO pr_t SELECT g, repeat('x', 100) FROM generate_series(1, 20000) g;
SELECT relpages FROM pg_class WHERE oid = 'pr_t'::regclass;
SELECT * FROM pg_temp.rows_by_pages('pr_t', 4);
SELECT * FROM pg_temp.rows_by_pages('pr_t', 7);
-- the TID range scan is what a client would run
EXPLAIN (COSTS OFF) SELECT * FROM pr_t WHERE ctid >= '(0,0)' AND ctid < '(10,0)';
-- stale relpages after growth
ANALYZE pr_t;
INSERT INTO pr_t SELECT g, repeat('y', 100) FROM generate_series(20001, 30000) g;
SELECT relpages < pg_relation_size('pr_t') / current_setting('block_size')::bigint AS relpages_stale FROM pg_class WHERE oid = 'pr_t'::regclass;
SELECT * FROM pg_temp.rows_by_pages('pr_t', 5);
-- parts greater than blocks: one block each
CREATE TABLE pr_small (id int);
INSERT INTO pr_small VALUES (1), (2), (3);
SELECT * FROM benchlab.page_ranges('pr_small', 10) ORDER BY part;
-- empty table: no ranges
CREATE TABLE pr_empty (id int);
SELECT * FROM benchlab.page_ranges('pr_empty', 4) ORDER BY part;
-- materialized views have pages too
CREATE MATERIALIZED VIEW pr_mv AS SELECT * FROM pr_t WHERE id <= 5000;
SELECT nparts, contiguous, rows_covered FROM pg_temp.rows_by_pages('pr_mv', 3);

-- bad input
SELECT * FROM benchlab.page_ranges('pr_t', 0);
SELECT * FROM benchlab.page_ranges('pr_t', 100001);
SELECT * FROM benchlab.page_ranges('pr_t', NULL);
SELECT * FROM benchlab.page_ranges(NULL, 2);
SELECT * FROM benchlab.page_ranges('no_such_table', 2);
CREATE VIEW pr_view AS SELECT * FROM pr_t;
SELECT * FROM benchlab.page_ranges('pr_view', 2);
CREATE TABLE pr_parted (id int) PARTITION BY RANGE (id);
SELECT * FROM benchlab.page_ranges('pr_parted', 2);

DROP VIEW pr_view;
DROP MATERIALIZED VIEW pr_mv;
DROP TABLE pr_t, pr_small, pr_empty, pr_parted;
