-- benchlab 0.1.0: the SQL face of the extension.
\echo Use "CREATE EXTENSION benchlab" to load this file. \quit

CREATE FUNCTION benchlab.version() RETURNS text
  AS 'MODULE_PATHNAME', 'benchlab_version'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION benchlab.version() IS 'benchlab extension version';

-- The standard dataset: the table the Python lab measured, every value a
-- deterministic function of id, generated server-side in one INSERT ... SELECT.
-- Append-only and idempotent: it creates the table when missing and adds the ids
-- max(id)+1 .. target_rows, so seeding N rows twice gives identical tables, and a
-- larger N grows the same table. Returns the row count afterwards.
CREATE FUNCTION benchlab.seed_records(rel text DEFAULT 'public.records', target_rows bigint DEFAULT 1000000)
RETURNS bigint
LANGUAGE plpgsql VOLATILE
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
