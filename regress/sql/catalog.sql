-- The SQL face: every function in schema benchlab, its volatility, NULL handling,
-- parallel safety and rights, and that each carries a comment.
SELECT p.oid::regprocedure AS function,
       CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END AS volatility,
       CASE WHEN p.proisstrict THEN 'strict' ELSE 'called on null' END AS nulls,
       CASE p.proparallel WHEN 's' THEN 'safe' WHEN 'r' THEN 'restricted' ELSE 'unsafe' END AS parallel,
       p.prosecdef AS security_definer,
       obj_description(p.oid, 'pg_proc') IS NOT NULL AS has_comment,
       l.lanname AS language
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.pronamespace = 'benchlab'::regnamespace
 ORDER BY p.proname, p.oid::regprocedure::text;
-- the extension owns its schema, its functions and the fan-out manifest's two tables, nothing else
SELECT classid::regclass AS catalog, count(*)
  FROM pg_depend WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'benchlab')
 GROUP BY classid ORDER BY classid::regclass::text;
-- the one setting (defined when the library loads)
SELECT benchlab.version() IS NOT NULL AS loaded;
SELECT name, setting, unit, context FROM pg_settings WHERE name LIKE 'benchlab.%' ORDER BY name;
