-- The fan-out manifest (benchclient fanout): its tables, that no role but the owner
-- may touch them until granted, that a job name and a part's state are what the
-- client writes, and that a part is done only with its figures.
\set VERBOSITY terse
SELECT c.relname, obj_description(c.oid, 'pg_class') IS NOT NULL AS has_comment, c.relacl IS NULL AS no_grants
  FROM pg_class c WHERE c.relnamespace = 'benchlab'::regnamespace AND c.relkind = 'r' ORDER BY c.relname;
SELECT has_table_privilege('public', 'benchlab.fanout_job', 'SELECT') AS public_reads_jobs,
       has_table_privilege('public', 'benchlab.fanout_part', 'UPDATE') AS public_updates_parts;
INSERT INTO benchlab.fanout_job (job, snapshot, relation, format, digest, lease, parts, coordinator_host, coordinator_pid)
  VALUES ('ok-1', '', 'public.t', 'text', 'xxh3', '30 s', 1, 'h', 1);
-- a name the client would refuse, a format it does not know, a lease of nothing
INSERT INTO benchlab.fanout_job (job, snapshot, relation, format, digest, lease, parts, coordinator_host, coordinator_pid)
  VALUES ('no spaces', '', 'public.t', 'text', 'xxh3', '30 s', 1, 'h', 1);
INSERT INTO benchlab.fanout_job (job, snapshot, relation, format, digest, lease, parts, coordinator_host, coordinator_pid)
  VALUES ('ok-2', '', 'public.t', 'csv', 'xxh3', '30 s', 1, 'h', 1);
INSERT INTO benchlab.fanout_job (job, snapshot, relation, format, digest, lease, parts, coordinator_host, coordinator_pid)
  VALUES ('ok-3', '', 'public.t', 'text', 'xxh3', '0 s', 1, 'h', 1);
INSERT INTO benchlab.fanout_part (job, part, lo, hi, query) VALUES ('ok-1', 0, 1, 10, 'SELECT 1');
SELECT state, claim, reoffers FROM benchlab.fanout_part;
-- done without its figures: refused
UPDATE benchlab.fanout_part SET state = 'done';
-- a part of no job: refused; a job's parts go with it
INSERT INTO benchlab.fanout_part (job, part, lo, hi, query) VALUES ('nope', 0, 1, 10, 'SELECT 1');
DELETE FROM benchlab.fanout_job WHERE job = 'ok-1';
SELECT count(*) AS parts_left FROM benchlab.fanout_part;
