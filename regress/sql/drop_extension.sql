-- DROP EXTENSION benchlab leaves nothing behind, and CREATE EXTENSION brings it back
-- (last in regress/schedule: the tests before it use the extension pg_regress created).
SET client_min_messages = warning;
DROP EXTENSION benchlab;
SELECT count(*) AS schemas FROM pg_namespace WHERE nspname = 'benchlab';
SELECT count(*) AS functions FROM pg_proc WHERE proname IN
  ('id_ranges', 'page_ranges', 'row_width_stats', 'column_widths', 'clock_ns', 'backend_cpu',
   'server_scan', 'range_checksum', 'wire_row_hash', 'seed_records', 'version')
  AND pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace);
SELECT count(*) AS dependencies FROM pg_depend WHERE refclassid = 'pg_extension'::regclass
   AND NOT EXISTS (SELECT FROM pg_extension e WHERE e.oid = refobjid);
-- and it comes back
CREATE EXTENSION benchlab;
SELECT e.extname, e.extversion = a.default_version AS default_version, benchlab.version() = e.extversion AS version_matches
  FROM pg_extension e JOIN pg_available_extensions a ON a.name = e.extname
 WHERE e.extname = 'benchlab';
