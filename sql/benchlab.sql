-- benchlab: the SQL face of the extension. Installed as benchlab--<version>.sql, the
-- version being benchlab.control's default_version (the Makefile names the copy).
\echo Use "CREATE EXTENSION benchlab" to load this file. \quit

-- The schema belongs to the extension (created here, not by the control file), so
-- DROP EXTENSION benchlab removes it with everything in it.
CREATE SCHEMA benchlab;
COMMENT ON SCHEMA benchlab IS 'benchlab: server-side helpers for benchmarking bulk-read clients';
GRANT USAGE ON SCHEMA benchlab TO PUBLIC;

-- Every C function below checks its arguments itself and raises a clear error on
-- NULL (CALLED ON NULL INPUT), runs with the caller's rights (no SECURITY DEFINER),
-- and checks SELECT privilege on the relation before it reads anything of it.

CREATE FUNCTION benchlab.version() RETURNS text
  AS 'MODULE_PATHNAME', 'benchlab_version'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION benchlab.version() IS 'benchlab extension version';

-- 1. Id-range splitter.
CREATE FUNCTION benchlab.id_ranges(rel regclass, parts integer, key name DEFAULT 'id', exact boolean DEFAULT true,
                                   lo bigint DEFAULT NULL, hi bigint DEFAULT NULL,
                                   OUT part integer, OUT lo bigint, OUT hi bigint, OUT "rows" bigint)
  RETURNS SETOF record
  AS 'MODULE_PATHNAME', 'benchlab_id_ranges'
  LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE ROWS 16;
COMMENT ON FUNCTION benchlab.id_ranges(regclass, integer, name, boolean, bigint, bigint) IS
  'contiguous inclusive ranges lo..hi of an integer key, balanced by row count. exact: one ordered walk of the key''s '
  'index (unique key: parts differ by at most one row; a key value never straddles two parts). exact => false: from '
  'pg_statistic histogram/MCVs without reading the table, rows estimated, first lo/last hi open to the type''s limits. '
  'Optional lo/hi (NULL: unbounded) split only keys in [lo, hi]: the walk starts and stops there, estimates are clipped';

-- 2. Page-range splitter.
CREATE FUNCTION benchlab.page_ranges(rel regclass, parts integer,
                                     OUT part integer, OUT first_block bigint, OUT last_block bigint)
  RETURNS SETOF record
  AS 'MODULE_PATHNAME', 'benchlab_page_ranges'
  LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL RESTRICTED ROWS 16;
COMMENT ON FUNCTION benchlab.page_ranges(regclass, integer) IS
  'contiguous block ranges of the relation as it is now (not relpages), for TID range scans: '
  'ctid >= (first_block,0) AND ctid < (last_block+1,0)';

-- 3. Row-width statistics.
CREATE FUNCTION benchlab.row_width_stats(rel regclass, sample_percent double precision DEFAULT 100,
    OUT "rows" bigint, OUT est_table_rows bigint, OUT stored_bytes bigint, OUT text_bytes bigint,
    OUT stored_avg double precision, OUT stored_min bigint, OUT stored_p50 bigint, OUT stored_p95 bigint,
    OUT stored_p99 bigint, OUT stored_max bigint,
    OUT text_avg double precision, OUT text_min bigint, OUT text_p50 bigint, OUT text_p95 bigint,
    OUT text_p99 bigint, OUT text_max bigint)
  RETURNS record
  AS 'MODULE_PATHNAME', 'benchlab_row_width_stats'
  LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION benchlab.row_width_stats(regclass, double precision) IS
  'distribution of row widths over the rows read (TABLESAMPLE SYSTEM below 100 percent): stored = heap tuple '
  '(header, aligned data) + out-of-line TOAST bytes; text = DataRow message bytes in text format';

CREATE FUNCTION benchlab.column_widths(rel regclass, sample_percent double precision DEFAULT 100,
    OUT attnum integer, OUT column_name name, OUT column_type text,
    OUT avg_stored_width double precision, OUT avg_text_width double precision, OUT null_frac double precision)
  RETURNS SETOF record
  AS 'MODULE_PATHNAME', 'benchlab_column_widths'
  LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE ROWS 16;
COMMENT ON FUNCTION benchlab.column_widths(regclass, double precision) IS
  'per column: average stored width (pg_column_size) and text width of non-null values, and the null fraction';

-- 4. Timing.
CREATE FUNCTION benchlab.clock_ns() RETURNS bigint
  AS 'MODULE_PATHNAME', 'benchlab_clock_ns'
  LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION benchlab.clock_ns() IS 'wall clock (CLOCK_REALTIME) in nanoseconds since the epoch';

CREATE FUNCTION benchlab.backend_cpu(OUT cpu_user_us bigint, OUT cpu_sys_us bigint, OUT peak_rss_bytes bigint)
  RETURNS record
  AS 'MODULE_PATHNAME', 'benchlab_backend_cpu'
  LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION benchlab.backend_cpu() IS
  'this backend''s CPU time (user, system; microseconds) and peak RSS, from getrusage(RUSAGE_SELF)';

CREATE FUNCTION benchlab.server_scan(query text, format text DEFAULT 'text', algorithm text DEFAULT 'xxh3',
    OUT "rows" bigint, OUT bytes bigint, OUT elapsed_ns bigint, OUT cpu_user_us bigint, OUT cpu_sys_us bigint,
    OUT checksum bigint, OUT digest text)
  RETURNS record
  AS 'MODULE_PATHNAME', 'benchlab_server_scan'
  LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION benchlab.server_scan(text, text, text) IS
  'runs one read-only SELECT to completion in this backend, passes every value through its output (text) or send '
  '(binary) function as for a client, sends nothing; returns rows, DataRow bytes, time, CPU and the row checksum; '
  'algorithm sha256 adds the set digest (the sum of the rows'' SHA-256 modulo 2^256, 64 hex digits; its cost is in '
  'the figures), xxh3 leaves it NULL. format none runs no output function (bytes, checksum and digest NULL)';

-- 5. Checksums.
CREATE FUNCTION benchlab.range_checksum(rel regclass, key name, lo bigint, hi bigint, format text DEFAULT 'text',
                                        algorithm text DEFAULT 'xxh3',
                                        OUT "rows" bigint, OUT checksum bigint, OUT digest text)
  RETURNS record
  AS 'MODULE_PATHNAME', 'benchlab_range_checksum'
  LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION benchlab.range_checksum(regclass, name, bigint, bigint, text, text) IS
  'row count and order-independent checksum of SELECT * FROM rel WHERE key BETWEEN lo AND hi in the given wire format; '
  'algorithm sha256 adds the set digest (the sum of the rows'' SHA-256 modulo 2^256, 64 hex digits), xxh3 leaves it NULL';

CREATE FUNCTION benchlab.wire_row_hash(columns bytea[]) RETURNS bigint
  AS 'MODULE_PATHNAME', 'benchlab_wire_row_hash'
  LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION benchlab.wire_row_hash(bytea[]) IS
  'the checksum''s row hash of one row given as its columns'' wire bytes (NULL element = NULL column): '
  'XXH3-64 over 4-byte little-endian length (0xFFFFFFFF for NULL) + bytes per column, as a signed bigint';

CREATE FUNCTION benchlab.wire_row_digest(columns bytea[]) RETURNS text
  AS 'MODULE_PATHNAME', 'benchlab_wire_row_digest'
  LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION benchlab.wire_row_digest(bytea[]) IS
  'the digest''s row digest (algorithm sha256) of one row given as its columns'' wire bytes (NULL element = NULL column): '
  'SHA-256 over the same bytes wire_row_hash hashes, as 64 lowercase hex digits';

-- The standard dataset: the table the Python lab measured, every value a
-- deterministic function of id, generated server-side in one INSERT ... SELECT.
-- Append-only and idempotent: it creates the table when missing and adds the ids
-- max(id)+1 .. target_rows, so seeding N rows twice gives identical tables, and a
-- larger N grows the same table. Returns the row count afterwards.
CREATE FUNCTION benchlab.seed_records(rel text DEFAULT 'public.records', target_rows bigint DEFAULT 1000000)
RETURNS bigint
LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  qname text;
  have bigint;
  base text;
BEGIN
  IF rel IS NULL OR target_rows IS NULL THEN
    RAISE EXCEPTION 'benchlab.seed_records: rel and target_rows must not be NULL';
  END IF;
  IF target_rows < 0 THEN
    RAISE EXCEPTION 'benchlab.seed_records: target_rows must be >= 0, got %', target_rows;
  END IF;
  -- Quote every part of a possibly schema-qualified name: never interpolate it.
  SELECT string_agg(quote_ident(p), '.') INTO qname FROM unnest(parse_ident(rel)) AS p;
  EXECUTE format($f$CREATE TABLE IF NOT EXISTS %s (
      id bigserial PRIMARY KEY,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      category text NOT NULL,
      payload jsonb NOT NULL,
      amount numeric(12,2) NOT NULL,
      is_active boolean NOT NULL,
      source text NOT NULL)$f$, qname);
  EXECUTE format('SELECT coalesce(max(id), 0) FROM %s', qname) INTO have;
  IF have < target_rows THEN
    EXECUTE format($f$INSERT INTO %s (id, created_at, updated_at, category, payload, amount, is_active, source)
      SELECT g,
             ts,
             ts + make_interval(secs => (g %% 86400) + (g %% 997) / 1000.0),
             (ARRAY['alpha','beta','gamma','delta'])[1 + (g %% 4)::int],
             jsonb_build_object('user_id', (g * 7919) %% 100000,
                                'action', (ARRAY['view','click','purchase','impression'])[1 + ((g * 31) %% 4)::int],
                                'meta', jsonb_build_object('session', (g * 104729) %% 1000000)),
             round(1 + ((g * 2654435761) %% 999900) / 100.0, 2),
             g %% 3 <> 0,
             'generator'
        FROM generate_series($1 + 1, $2) AS g,
             LATERAL (SELECT timestamptz '2024-01-01 00:00:00+00'
                             + make_interval(secs => ((g * 37) %% 31536000) + (g %% 1000000) / 1000000.0) AS ts) AS t$f$,
      qname) USING have, target_rows;
    EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), greatest(%s, 1))', qname, 'id', target_rows);
  END IF;
  base := (parse_ident(rel))[array_length(parse_ident(rel), 1)];
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %s (created_at)', base || '_created_at_idx', qname);
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %s (category)', base || '_category_idx', qname);
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %s (is_active)', base || '_is_active_idx', qname);
  EXECUTE format('ANALYZE %s', qname);
  RETURN greatest(have, target_rows);
END
$$;
COMMENT ON FUNCTION benchlab.seed_records(text, bigint) IS
  'creates or grows the standard table (public.records shape) to target_rows rows, every value a deterministic function of id';

-- 6. Fan-out manifest (benchclient fanout start / worker): one row per job, one per
-- part. The coordinator writes them; workers on any host claim a pending part with
-- FOR UPDATE SKIP LOCKED under a lease, renew the lease while they read, and confirm
-- the part with its figures. A confirmation names the claim it was made under, so a
-- part re-offered after its lease expired is counted once, by whoever holds the
-- current claim. No privilege is granted: a role that may write these rows decides
-- what every worker reads (GRANT SELECT ON benchlab.fanout_job and SELECT, UPDATE ON
-- benchlab.fanout_part to the workers' role; docs/fanout.md).
CREATE TABLE benchlab.fanout_job (
  job text PRIMARY KEY CHECK (job ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
  state text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'done', 'abandoned', 'failed')),
  snapshot text NOT NULL,           -- the exported snapshot every worker imports ('': each takes its own)
  relation text NOT NULL,           -- the table, quoted and qualified (for privilege checks and messages)
  format text NOT NULL CHECK (format IN ('text', 'binary')),
  digest text NOT NULL CHECK (digest IN ('xxh3', 'sha256')),
  lease interval NOT NULL CHECK (lease > interval '0'),
  parts integer NOT NULL CHECK (parts > 0),
  coordinator_host text NOT NULL,
  coordinator_pid integer NOT NULL,
  role name NOT NULL DEFAULT current_user,  -- the coordinator's: a worker under row-level security must be it
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at timestamptz
);
COMMENT ON TABLE benchlab.fanout_job IS
  'benchclient fanout: one row per job (its snapshot, format, lease and state); fanout drop removes it';

CREATE TABLE benchlab.fanout_part (
  job text NOT NULL REFERENCES benchlab.fanout_job ON DELETE CASCADE,
  part integer NOT NULL CHECK (part >= 0),
  relation text NOT NULL DEFAULT '',  -- a leaf partition read ('': the job's table)
  lo bigint NOT NULL,                 -- key or block bounds, inclusive
  hi bigint NOT NULL,
  query text NOT NULL,                -- what a worker reads, inside COPY (...) TO STDOUT
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'reading', 'done')),
  claim integer NOT NULL DEFAULT 0,   -- claims so far; a confirmation must name the latest
  reoffers integer NOT NULL DEFAULT 0,
  lease_until timestamptz,
  worker text,
  host text,
  connections integer,               -- the claiming worker's connections (parts it reads at once)
  claimed_at timestamptz,
  confirmed_at timestamptz,
  rows_read bigint,                   -- as of the last lease renewal (progress only)
  rows bigint,
  bytes bigint,
  checksum bigint,
  unknown_values bigint,
  digest text,
  read_s double precision,            -- the COPY, from sent to its last row decoded
  setup_s double precision,           -- the claim and the snapshot's import before it
  PRIMARY KEY (job, part),
  CHECK (state <> 'done' OR (rows IS NOT NULL AND checksum IS NOT NULL))
);
COMMENT ON TABLE benchlab.fanout_part IS
  'benchclient fanout: one row per part of a job; claimed under a lease, confirmed once with its figures';
