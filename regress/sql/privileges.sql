-- The functions run with the caller's rights: without SELECT on a relation a caller
-- gets "permission denied" from every function and learns no statistic of it.
SET client_min_messages = warning;
CREATE ROLE regress_benchlab_noread;
CREATE ROLE regress_benchlab_keyonly;
CREATE ROLE regress_benchlab_reader;
CREATE TABLE priv_t (id bigint PRIMARY KEY, secret text);
INSERT INTO priv_t SELECT g, 'secret ' || g FROM generate_series(1, 1000) g;
ANALYZE priv_t;
GRANT SELECT ON priv_t TO regress_benchlab_reader;
GRANT SELECT (id) ON priv_t TO regress_benchlab_keyonly;
-- none of the functions is SECURITY DEFINER
SELECT count(*) AS security_definer_functions FROM pg_proc
 WHERE pronamespace = 'benchlab'::regnamespace AND prosecdef;

SET ROLE regress_benchlab_noread;
SELECT * FROM benchlab.id_ranges('priv_t', 4);
SELECT * FROM benchlab.id_ranges('priv_t', 4, exact => false);
SELECT * FROM benchlab.page_ranges('priv_t', 4);
SELECT * FROM benchlab.row_width_stats('priv_t');
SELECT * FROM benchlab.row_width_stats('priv_t', 1);
SELECT * FROM benchlab.column_widths('priv_t');
SELECT * FROM benchlab.range_checksum('priv_t', 'id', 1, 1000);
SELECT * FROM benchlab.server_scan('SELECT * FROM priv_t');
SELECT * FROM benchlab.server_scan('SELECT count(*) FROM priv_t', 'none');
-- arguments are checked first (they reveal nothing); everything that looks at the table comes after the privilege check
SELECT * FROM benchlab.id_ranges('priv_t', 0);
SELECT * FROM benchlab.range_checksum('priv_t', 'no_such_column', 1, 2);
-- functions that read no table work for anyone
SELECT benchlab.clock_ns() > 0 AS clock_ok, (SELECT peak_rss_bytes > 0 FROM benchlab.backend_cpu()) AS cpu_ok;
SELECT rows FROM benchlab.server_scan('SELECT 1');
RESET ROLE;

-- SELECT on the key column alone is enough to split by it, not to read the rows
SET ROLE regress_benchlab_keyonly;
SELECT * FROM benchlab.id_ranges('priv_t', 2) ORDER BY part;
SELECT count(*) FROM benchlab.id_ranges('priv_t', 2, exact => false);
SELECT * FROM benchlab.range_checksum('priv_t', 'id', 1, 1000);
SELECT * FROM benchlab.column_widths('priv_t');
SELECT rows FROM benchlab.server_scan('SELECT id FROM priv_t');
RESET ROLE;

-- with SELECT everything works
SET ROLE regress_benchlab_reader;
SELECT * FROM benchlab.id_ranges('priv_t', 2) ORDER BY part;
SELECT count(*) FROM benchlab.page_ranges('priv_t', 2);
SELECT rows FROM benchlab.row_width_stats('priv_t');
SELECT count(*) FROM benchlab.column_widths('priv_t');
SELECT rows FROM benchlab.range_checksum('priv_t', 'id', 1, 1000);
SELECT rows FROM benchlab.server_scan('SELECT * FROM priv_t');
-- ... but server_scan cannot be used to write, even by a role that may write
RESET ROLE;
GRANT INSERT ON priv_t TO regress_benchlab_reader;
SET ROLE regress_benchlab_reader;
SELECT * FROM benchlab.server_scan('INSERT INTO priv_t VALUES (0, ''x'')');
RESET ROLE;

DROP TABLE priv_t;
DROP ROLE regress_benchlab_noread;
DROP ROLE regress_benchlab_keyonly;
DROP ROLE regress_benchlab_reader;
