-- The type-coverage table: one column per family of types users' tables hold,
-- with the edge values of each, a row of NULLs in every column, and generated
-- rows so a parallel read has parts to split. Read by every strategy in text and
-- binary in the client's tests (rows and checksum must equal the server's); see
-- docs/decoding.md for what each type decodes to.
--
-- Load it into a scratch database: psql -v ON_ERROR_STOP=1 -f regress/data/type_coverage.sql
-- Then, e.g.: benchclient --dsn ... --table public.cov_types --rows all --all
CREATE TYPE public.cov_mood AS ENUM ('sad', 'ok', 'happy', 'très content');
CREATE DOMAIN public.cov_positive AS integer CHECK (VALUE > 0);
CREATE DOMAIN public.cov_email AS text CHECK (VALUE LIKE '%@%');
CREATE TYPE public.cov_pair AS (label text, amount numeric, tags text[], at timestamptz);
CREATE TYPE public.cov_floatrange AS RANGE (subtype = float8);

CREATE TABLE public.cov_types (
  id integer PRIMARY KEY,
  b boolean, i2 smallint, i4 integer, i8 bigint, f4 real, f8 double precision,
  n numeric, n_big numeric, t text, vc varchar(40), bp char(5), nm name, ba bytea, u uuid,
  j json, jb jsonb, d date, ts timestamp, tstz timestamptz, tm time, ttz timetz, iv interval,
  ip inet, net cidr, mac macaddr, mac8 macaddr8, bt bit(8), vb varbit, m money, o oid,
  mood public.cov_mood, pos public.cov_positive, email public.cov_email, pair public.cov_pair,
  a_i4 integer[], a_t text[], a_n numeric[], a_ts timestamptz[], a_2d integer[], a_mood public.cov_mood[],
  a_pos public.cov_positive[], a_pair public.cov_pair[], a_u uuid[], a_jb jsonb[], a_ba bytea[], a_iv interval[],
  r_i4 int4range, r_n numrange, r_tstz tstzrange, r_d daterange, r_i8 int8range, r_f public.cov_floatrange
);

INSERT INTO public.cov_types VALUES
-- 1: ordinary values
(1, true, 12, 1234, 1234567890123, 1.5, 3.25, 12.50, 1, 'plain text', 'varchar', 'ab', 'a_name', '\x0102',
 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2]}', '{"k": "v", "n": 1}', '2024-02-29', '2024-02-29 12:34:56.789',
 '2024-02-29 12:34:56.789+01', '12:34:56.789', '12:34:56+02', '1 year 2 mons 3 days 04:05:06.789',
 '192.168.1.5/24', '10.0.0.0/8', '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05', B'10101010', B'101', 1234.56, 42,
 'happy', 7, 'a@b.example', ROW('label', 1.5, '{x,y}', '2020-01-01 00:00:00+00'),
 '{1,2,3}', '{a,b,c}', '{1.5,2.25}', '{"2020-01-01 00:00:00+00"}', '{{1,2,3},{4,5,6}}', '{sad,ok}', '{1,2}',
 ARRAY[ROW('p', 2, '{}', NULL)::public.cov_pair], '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}',
 ARRAY['{"a": 1}'::jsonb, '[1, 2]'], ARRAY['\x00'::bytea, '\xdeadbeef'], '{"1 day","-00:00:01"}',
 '[1,10)', '(1.5,2.5]', '[2020-01-01 00:00:00+00,2021-01-01 00:00:00+00)', '[2000-01-01,2000-02-01)', '[1,2)',
 '[0.5,3.5]'),
-- 2: the edges (NaN, -0, infinities, BC, 5-digit years, COPY escapes, zero bytes, quoting)
(2, false, -32768, -2147483648, -9223372036854775808, 'NaN', '-0', 'NaN', repeat('9', 1000)::numeric,
 E'tab\there\nnew line\\back slash \\N é 日本語 😀', E'\\N', 'x', '', '\x00ff00', '00000000-0000-0000-0000-000000000000',
 '"just a string"', '[]', '4713-01-01 BC', '4713-01-01 00:00:00 BC', '12345-06-07 08:09:10.123456+00', '24:00:00',
 '23:59:59.999999+05:30:15', '-1 years -2 mons +3 days -04:05:06', '::ffff:1.2.3.4', '2001:db8::/32',
 'ff:ff:ff:ff:ff:ff', '00:00:00:00:00:00:00:00', B'00000000', B'', '-92233720368547758.08', 4294967295, 'très content',
 2147483647, 'x@y', ROW(E'a "quoted", (paren) \\ back', -12.5, '{x,NULL,"y z","\"q\""}', 'infinity'),
 '[0:2]={1,2,3}', '{plain,"with space","quote\"inside","back\\\\slash",NULL,"NULL","",é,"{brace}","a,b"}',
 '{NaN,-Infinity,Infinity,NULL,0.000001}', '{infinity,-infinity,NULL}', '{{NULL,2},{3,NULL}}', '{}', '{}',
 ARRAY[NULL, ROW(NULL, NULL, NULL, NULL)::public.cov_pair, ROW('', 0, '{}', NULL)::public.cov_pair],
 '{NULL}', ARRAY[NULL, 'null'::jsonb, '"s"'], ARRAY[NULL, ''::bytea], '{"178000000 years","-1 days +02:03:00"}',
 'empty', '(,)', '(,infinity)', '[-infinity,2000-01-01)', '(,5)', '[-Infinity,Infinity]'),
-- 3: more edges
(3, NULL, 32767, 2147483647, 9223372036854775807, 'Infinity', '-Infinity', 'Infinity',
 ('-1' || repeat('0', 600) || '.' || repeat('3', 400))::numeric, '\N', repeat('é', 10), 'abcde', 'x', '', NULL,
 'null', '{"deep": {"er": [1, {"est": true}]}}', 'infinity', '294276-12-31 23:59:59.999999', '-infinity',
 '00:00:00', '00:00:00-15:59', '-178000000 years', '::1', '::/0', '01:02:03:04:05:06', 'ff:ff:ff:ff:ff:ff:ff:ff',
 B'11111111', repeat('10', 500)::varbit, '92233720368547758.07', 0, 'sad', 1, 'me@here', ROW(NULL, NULL, NULL, NULL),
 '{-1}', '{"\\\\","\"","\\N"}', '{-0.5}', '{}', '{{{1}},{{2}}}', '{"très content"}', '{2147483647}', '{}', '{}',
 '{}', '{}', '{}', '[-5,-1]', '(-0.001,)', 'empty', '[5874897-12-30,)', 'empty', '(-1e300,1e300)'),
-- 4: NULL in every column
(4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

-- Generated rows: every column varies with g, a NULL now and then.
INSERT INTO public.cov_types
SELECT g, g % 2 = 0, (g % 30000)::smallint, g * 7, g::bigint * 1000003, g / 3.0, g / 7.0, round(g / 3.0, 4),
       (g::numeric ^ 3)::numeric(40, 2) * 1000000000000000000000000000, 'row ' || g || E'\t' || repeat('x', g % 17),
       'v' || g, 'b' || (g % 100), 'n' || g, decode(lpad(to_hex(g), 8, '0'), 'hex'), md5(g::text)::uuid,
       json_build_object('g', g, 'a', json_build_array(g, g + 1)), jsonb_build_object('g', g, 's', repeat('y', g % 9)),
       date '2000-01-01' + g, timestamp '2000-01-01' + g * interval '1 hour 1.5 seconds',
       timestamptz '1999-12-31 00:00:00+00' - g * interval '1 day 1 microsecond', time '00:00' + g * interval '1 minute',
       ('10:00:00+' || lpad((g % 14)::text, 2, '0'))::timetz, make_interval(0, g % 13, 0, g % 40, g % 25, g % 60, g / 7.0),
       ('10.' || (g % 256) || '.' || (g / 256 % 256) || '.1/' || (8 + g % 25))::inet, ('10.' || (g % 256) || '.0.0/16')::cidr,
       ('08:00:2b:00:' || lpad(to_hex(g / 256 % 256), 2, '0') || ':' || lpad(to_hex(g % 256), 2, '0'))::macaddr,
       ('08:00:2b:00:00:00:' || lpad(to_hex(g / 256 % 256), 2, '0') || ':' || lpad(to_hex(g % 256), 2, '0'))::macaddr8,
       (g % 256)::bit(8), (g::bit(12))::varbit, (g * 1.01)::numeric::money, g,
       (ARRAY['sad', 'ok', 'happy', 'très content'])[1 + g % 4]::public.cov_mood, g, 'u' || g || '@example.com',
       ROW('p' || g, g / 4.0, ARRAY['t' || g, NULL], timestamptz '2020-01-01 00:00:00+00' + g * interval '1 second')::public.cov_pair,
       ARRAY[g, g + 1, NULL, g + 3], ARRAY['s' || g, 'quote"' || g, NULL], ARRAY[g / 8.0, NULL],
       ARRAY[timestamptz '2001-01-01 00:00:00+00' + g * interval '1 minute'], ARRAY[ARRAY[g, g], ARRAY[NULL, g]],
       ARRAY[(ARRAY['sad', 'happy'])[1 + g % 2]::public.cov_mood], ARRAY[g::public.cov_positive],
       ARRAY[ROW('e' || g, g, NULL, NULL)::public.cov_pair], ARRAY[md5(g::text)::uuid],
       ARRAY[jsonb_build_object('g', g)], ARRAY[decode(lpad(to_hex(g), 4, '0'), 'hex')], ARRAY[g * interval '1 hour'],
       int4range(g, g + 10), numrange(g / 2.0, g, '[]'), tstzrange(timestamptz '2020-01-01 00:00:00+00' + g * interval '1 hour', NULL),
       daterange(date '2020-01-01' + g, date '2020-01-01' + 2 * g), int8range(NULL, g), public.cov_floatrange(-g, g / 3.0)
FROM generate_series(5, 600) g;

-- A NULL now and then in every column of the generated rows.
UPDATE public.cov_types SET t = NULL, a_t = NULL, pair = NULL, r_n = NULL, iv = NULL, ip = NULL WHERE id > 4 AND id % 11 = 0;
UPDATE public.cov_types SET n = NULL, jb = NULL, tm = NULL, m = NULL, mood = NULL, a_i4 = NULL WHERE id > 4 AND id % 13 = 0;
