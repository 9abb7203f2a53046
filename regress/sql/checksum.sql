-- The row checksum and the sha256 digest against the shared test vectors
-- (regress/data/checksum_vectors.tsv, hashes from the reference xxhsum and Python's
-- hashlib, not from benchlab), and range_checksum.
SET client_min_messages = warning;
-- The session settings benchlab pins for every connection (text output depends on them).
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, MDY';
SET IntervalStyle = 'postgres';
SET extra_float_digits = 1;

\getenv abs_srcdir PG_ABS_SRCDIR
\set vectors_file :abs_srcdir '/data/checksum_vectors.tsv'
-- Read by psql (the client), not by the server: the server's OS user need not reach the checkout.
\set vectors_text `cat :'vectors_file'`
CREATE TEMP TABLE vectors AS
  SELECT split_part(line, E'\t', 1) AS kind, split_part(line, E'\t', 2) AS name,
         split_part(line, E'\t', 3) AS vals, split_part(line, E'\t', 4) AS expected,
         split_part(line, E'\t', 5) AS sha256
    FROM regexp_split_to_table(:'vectors_text', E'\n') AS line
   WHERE line <> '' AND line NOT LIKE '#%';
SELECT kind, count(*) FROM vectors GROUP BY kind ORDER BY kind;

-- unsigned 64-bit hex <-> the signed bigint the extension returns (same bits)
CREATE FUNCTION pg_temp.hex_to_bigint(h text) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT ('x' || lpad(h, 16, '0'))::bit(64)::bigint $$;
CREATE FUNCTION pg_temp.row_columns(vals text) RETURNS bytea[]
  LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT coalesce(array_agg(CASE WHEN v = 'N' THEN NULL ELSE decode(substr(v, 2), 'hex') END ORDER BY ord), '{}')
      FROM unnest(CASE WHEN vals = '' THEN '{}'::text[] ELSE string_to_array(vals, ',') END) WITH ORDINALITY AS u(v, ord) $$;

-- every row vector: the server's row hash equals the reference hash
SELECT name, benchlab.wire_row_hash(pg_temp.row_columns(vals)) = pg_temp.hex_to_bigint(expected) AS hash_matches
  FROM vectors WHERE kind = 'row' ORDER BY name;

-- every set vector: count and sum modulo 2^64 of the server's row hashes
WITH members AS (
  SELECT s.name, m.member
    FROM vectors s, unnest(CASE WHEN s.vals = '' THEN '{}'::text[] ELSE string_to_array(s.vals, ',') END) AS m(member)
   WHERE s.kind = 'set'),
sums AS (
  SELECT s.name, count(r.name) AS n,
         coalesce(sum(CASE WHEN r.name IS NOT NULL THEN benchlab.wire_row_hash(pg_temp.row_columns(r.vals))::numeric END), 0) AS total
    FROM vectors s LEFT JOIN members m ON m.name = s.name LEFT JOIN vectors r ON r.kind = 'row' AND r.name = m.member
   WHERE s.kind = 'set' GROUP BY s.name)
SELECT sums.name,
       sums.n = split_part(v.expected, ':', 1)::bigint AS count_matches,
       mod(mod(sums.total, 18446744073709551616) + 18446744073709551616, 18446744073709551616)
         = mod(pg_temp.hex_to_bigint(split_part(v.expected, ':', 2))::numeric + 18446744073709551616, 18446744073709551616) AS sum_matches
  FROM sums JOIN vectors v ON v.kind = 'set' AND v.name = sums.name ORDER BY sums.name;

-- The digest (algorithm sha256): 64 hex digits <-> the unsigned 256-bit integer they
-- write (big-endian); the set digest is the sum of the row digests modulo 2^256.
CREATE FUNCTION pg_temp.hex_to_numeric(h text) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT coalesce(sum(get_byte(decode(h, 'hex'), i)::numeric * power(256::numeric, length(h) / 2 - 1 - i)), 0)
      FROM generate_series(0, length(h) / 2 - 1) AS i $$;

-- every row vector: the server's row digest equals the reference SHA-256
SELECT name, benchlab.wire_row_digest(pg_temp.row_columns(vals)) = sha256 AS digest_matches
  FROM vectors WHERE kind = 'row' ORDER BY name;

-- every set vector: the sum modulo 2^256 of the server's row digests
WITH members AS (
  SELECT s.name, m.member
    FROM vectors s, unnest(CASE WHEN s.vals = '' THEN '{}'::text[] ELSE string_to_array(s.vals, ',') END) AS m(member)
   WHERE s.kind = 'set'),
sums AS (
  SELECT s.name,
         coalesce(sum(CASE WHEN r.name IS NOT NULL
                           THEN pg_temp.hex_to_numeric(benchlab.wire_row_digest(pg_temp.row_columns(r.vals))) END), 0) AS total
    FROM vectors s LEFT JOIN members m ON m.name = s.name LEFT JOIN vectors r ON r.kind = 'row' AND r.name = m.member
   WHERE s.kind = 'set' GROUP BY s.name)
SELECT sums.name, mod(sums.total, power(2::numeric, 256)) = pg_temp.hex_to_numeric(v.sha256) AS digest_matches
  FROM sums JOIN vectors v ON v.kind = 'set' AND v.name = sums.name ORDER BY sums.name;

-- The standard rows 1..3, seeded here: range_checksum equals the set vectors, in both formats.
SELECT benchlab.seed_records('public.checksum_records', 3);
SELECT c.rows, c.checksum,
       c.rows = split_part(v.expected, ':', 1)::bigint AND c.checksum = pg_temp.hex_to_bigint(split_part(v.expected, ':', 2)) AS matches_vectors
  FROM benchlab.range_checksum('checksum_records', 'id', 1, 3) AS c, vectors v
 WHERE v.name = 'records_1_3_text';
SELECT c.rows, c.checksum,
       c.rows = split_part(v.expected, ':', 1)::bigint AND c.checksum = pg_temp.hex_to_bigint(split_part(v.expected, ':', 2)) AS matches_vectors
  FROM benchlab.range_checksum('checksum_records', 'id', 1, 3, 'binary') AS c, vectors v
 WHERE v.name = 'records_1_3_binary';
-- ... and with algorithm sha256 the digest equals the set vectors' too (checksum unchanged)
SELECT c.rows, c.digest, c.digest = v.sha256 AND c.checksum = pg_temp.hex_to_bigint(split_part(v.expected, ':', 2)) AS matches_vectors
  FROM benchlab.range_checksum('checksum_records', 'id', 1, 3, 'text', 'sha256') AS c, vectors v
 WHERE v.name = 'records_1_3_text';
SELECT c.rows, c.digest, c.digest = v.sha256 AND c.checksum = pg_temp.hex_to_bigint(split_part(v.expected, ':', 2)) AS matches_vectors
  FROM benchlab.range_checksum('checksum_records', 'id', 1, 3, 'binary', 'sha256') AS c, vectors v
 WHERE v.name = 'records_1_3_binary';
SELECT s.digest = v.sha256 AS server_scan_digest_matches
  FROM benchlab.server_scan('SELECT * FROM checksum_records WHERE id BETWEEN 1 AND 3', 'binary', 'sha256') AS s, vectors v
 WHERE v.name = 'records_1_3_binary';
-- xxh3 (the default) leaves the digest NULL; so does format none
SELECT digest IS NULL AS no_digest FROM benchlab.range_checksum('checksum_records', 'id', 1, 3, 'text', 'xxh3');
SELECT digest IS NULL AS no_digest FROM benchlab.server_scan('SELECT * FROM checksum_records', 'none', 'sha256');
-- the literal figures the client must reproduce for these three rows
SELECT * FROM benchlab.range_checksum('checksum_records', 'id', 1, 3, 'text');
SELECT * FROM benchlab.range_checksum('checksum_records', 'id', 1, 3, 'binary');
-- and server_scan of the same rows agrees with range_checksum
SELECT s.rows, s.checksum = c.checksum AS same_checksum
  FROM benchlab.server_scan('SELECT * FROM checksum_records WHERE id BETWEEN 1 AND 3') AS s,
       benchlab.range_checksum('checksum_records', 'id', 1, 3) AS c;

-- Order independence and additivity: parts add up (mod 2^64) to the whole.
SELECT benchlab.seed_records('public.checksum_records', 5000);
WITH parts AS (
  SELECT r.* FROM benchlab.id_ranges('checksum_records', 7) AS p,
                  LATERAL benchlab.range_checksum('checksum_records', 'id', p.lo, p.hi) AS r),
whole AS (SELECT * FROM benchlab.range_checksum('checksum_records', 'id', 1, 5000))
SELECT (SELECT sum(rows) FROM parts) = whole.rows AS rows_add_up,
       mod((SELECT sum(checksum::numeric) FROM parts) - whole.checksum::numeric, 18446744073709551616) = 0 AS checksums_add_up
  FROM whole;
SELECT a.checksum = b.checksum AS order_independent
  FROM benchlab.server_scan('SELECT * FROM checksum_records ORDER BY id') AS a,
       benchlab.server_scan('SELECT * FROM checksum_records ORDER BY id DESC') AS b;
-- the same for the digest (mod 2^256)
WITH parts AS (
  SELECT r.* FROM benchlab.id_ranges('checksum_records', 7) AS p,
                  LATERAL benchlab.range_checksum('checksum_records', 'id', p.lo, p.hi, 'binary', 'sha256') AS r),
whole AS (SELECT * FROM benchlab.range_checksum('checksum_records', 'id', 1, 5000, 'binary', 'sha256'))
SELECT mod((SELECT sum(pg_temp.hex_to_numeric(digest)) FROM parts), power(2::numeric, 256))
         = pg_temp.hex_to_numeric(whole.digest) AS digests_add_up
  FROM whole;
SELECT a.digest = b.digest AS digest_order_independent
  FROM benchlab.server_scan('SELECT * FROM checksum_records ORDER BY id', 'text', 'sha256') AS a,
       benchlab.server_scan('SELECT * FROM checksum_records ORDER BY id DESC', 'text', 'sha256') AS b;
SELECT a.digest <> b.digest AS value_changes_digest
  FROM benchlab.server_scan('SELECT 1::int, ''a''::text', 'text', 'sha256') AS a,
       benchlab.server_scan('SELECT 1::int, ''b''::text', 'text', 'sha256') AS b;
-- text and binary differ; a changed value changes the checksum
SELECT t.checksum <> b.checksum AS formats_differ
  FROM benchlab.range_checksum('checksum_records', 'id', 1, 5000, 'text') AS t,
       benchlab.range_checksum('checksum_records', 'id', 1, 5000, 'binary') AS b;
SELECT a.checksum <> b.checksum AS value_changes_checksum
  FROM benchlab.server_scan('SELECT 1::int, ''a''::text') AS a, benchlab.server_scan('SELECT 1::int, ''b''::text') AS b;
-- NULL and empty string differ; a row with no columns hashes like the empty_row vector
SELECT (SELECT checksum FROM benchlab.server_scan('SELECT NULL::text')) <> (SELECT checksum FROM benchlab.server_scan('SELECT ''''::text')) AS null_differs_from_empty;
SELECT s.checksum = pg_temp.hex_to_bigint(v.expected) AS no_column_row_matches
  FROM benchlab.server_scan('SELECT') AS s, vectors v WHERE v.name = 'empty_row';
-- empty range and inverted range: zero rows, zero checksum
SELECT * FROM benchlab.range_checksum('checksum_records', 'id', 6000, 7000);
SELECT * FROM benchlab.range_checksum('checksum_records', 'id', 10, 1);
-- int2/int4 keys compare against bigint bounds
CREATE TABLE checksum_small (k smallint PRIMARY KEY, v text);
INSERT INTO checksum_small SELECT g, 'v' || g FROM generate_series(-5, 5) g;
SELECT rows FROM benchlab.range_checksum('checksum_small', 'k', -9223372036854775808, 9223372036854775807);

-- bad input
SELECT * FROM benchlab.range_checksum('checksum_records', 'id', 1, 3, 'json');
SELECT * FROM benchlab.range_checksum('checksum_records', 'nope', 1, 3);
SELECT * FROM benchlab.range_checksum('checksum_records', 'category', 1, 3);
SELECT * FROM benchlab.range_checksum('checksum_records', 'id', NULL, 3);
SELECT * FROM benchlab.range_checksum(NULL, 'id', 1, 3);
SELECT * FROM benchlab.range_checksum('checksum_records', 'id', 1, 3, NULL);
SELECT * FROM benchlab.range_checksum('no_such_table', 'id', 1, 3);
SELECT * FROM benchlab.range_checksum(0, 'id', 1, 3);
SELECT * FROM benchlab.range_checksum('checksum_records', 'id', 1, 3, 'text', 'md5');
SELECT * FROM benchlab.range_checksum('checksum_records', 'id', 1, 3, 'text', NULL);
SELECT * FROM benchlab.server_scan('SELECT 1', 'text', 'SHA256');
SELECT benchlab.wire_row_digest(NULL);
SELECT benchlab.wire_row_hash(NULL);
SELECT benchlab.wire_row_hash('{{a},{b}}');

-- An error in the middle of a sha256 scan: the hash context goes with the aborted
-- (sub)transaction's resources, silently, and the next call works.
CREATE TABLE checksum_div (id int PRIMARY KEY, d int);
INSERT INTO checksum_div VALUES (1, 1), (2, 0), (3, 1);
CREATE VIEW checksum_div_v AS SELECT id, 1 / d AS q FROM checksum_div;
SELECT * FROM benchlab.range_checksum('checksum_div_v', 'id', 1, 3, 'text', 'sha256');
DO $$
BEGIN
  PERFORM * FROM benchlab.range_checksum('checksum_div_v', 'id', 1, 3, 'binary', 'sha256');
EXCEPTION WHEN division_by_zero THEN RAISE WARNING 'caught: %', SQLERRM;
END $$;
SELECT rows, length(digest) AS digest_length FROM benchlab.range_checksum('checksum_div_v', 'id', 1, 1, 'text', 'sha256');

-- A database whose benchlab was created before the algorithm parameter calls the
-- library with the old argument lists and result rows: it answers as then.
CREATE FUNCTION pg_temp.old_range_checksum(rel regclass, key name, lo bigint, hi bigint, format text,
                                           OUT "rows" bigint, OUT checksum bigint)
  RETURNS record AS '$libdir/benchlab', 'benchlab_range_checksum' LANGUAGE C CALLED ON NULL INPUT;
SELECT o.rows = c.rows AND o.checksum = c.checksum AS old_range_checksum_answers
  FROM pg_temp.old_range_checksum('checksum_records', 'id', 1, 3, 'text') AS o,
       benchlab.range_checksum('checksum_records', 'id', 1, 3, 'text') AS c;
CREATE FUNCTION pg_temp.old_server_scan(query text, format text, OUT "rows" bigint, OUT bytes bigint,
                                        OUT elapsed_ns bigint, OUT cpu_user_us bigint, OUT cpu_sys_us bigint,
                                        OUT checksum bigint)
  RETURNS record AS '$libdir/benchlab', 'benchlab_server_scan' LANGUAGE C CALLED ON NULL INPUT;
SELECT o.rows = 3 AND o.checksum = c.checksum AS old_server_scan_answers
  FROM pg_temp.old_server_scan('SELECT * FROM checksum_records WHERE id BETWEEN 1 AND 3', 'text') AS o,
       benchlab.range_checksum('checksum_records', 'id', 1, 3, 'text') AS c;

DROP VIEW checksum_div_v;
DROP TABLE checksum_records, checksum_small, checksum_div;
