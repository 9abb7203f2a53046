-- The type sweep: a table with a column of every base type this server has (read
-- from the catalog, so a type added later is swept without editing anything), and
-- for each of them an array, a domain, a range and a multirange, plus an enum and
-- composites of them. Every value is one the server itself produced: a literal its
-- input function accepted (and normalised), or a value found in its own catalogs.
-- Row k holds each column's k-th value; the last row is all NULL.
SET client_min_messages = warning;

CREATE TABLE sweep_values (col text, typ regtype, k int, expr text);
CREATE TABLE sweep_columns (n serial, col text, typ text, has_send bool);

-- Literals tried against every base type: extremes, special values, empty forms.
CREATE TABLE sweep_literals (lit text);
INSERT INTO sweep_literals VALUES
  ('0'), ('1'), ('-1'), ('-0'), ('NaN'), ('Infinity'), ('-Infinity'), ('infinity'), ('-infinity'), (''),
  ('-32768'), ('32767'), ('-2147483648'), ('2147483647'), ('-9223372036854775808'), ('9223372036854775807'),
  ('4294967295'), ('18446744073709551615'), ('1.7976931348623157e308'), ('-2.2250738585072014e-308'), ('5e-324'),
  ('3.4028235e+38'), ('1.4e-45'), ('123456789012345678901234567890.123456789'), ('-0.000000000000000000001'),
  ('-92233720368547758.08'), ('92233720368547758.07'), ('t'), ('f'),
  ('4714-11-24 BC'), ('5874897-12-31'), ('2000-01-01'), ('4714-11-24 00:00:00 BC'), ('294276-12-31 23:59:59.999999'),
  ('1999-12-31 23:59:59.999999+15:59'), ('00:00:00'), ('24:00:00'), ('23:59:59.999999'), ('00:00:00+15:59'),
  ('24:00:00-15:59'), ('-178000000 years'), ('178000000 years'), ('1 mon -1 day -00:00:00.000001'),
  ('a'), ('plain'), (E'tab\there'), (E'new\nline'), (E'back\\slash'), ('quote"s'), ('with,comma'), ('{'), ('NULL'),
  ('é ü 中'), ('\x'), ('\x00ff'),
  ('00000000-0000-0000-0000-000000000000'), ('ffffffff-ffff-ffff-ffff-ffffffffffff'),
  ('0.0.0.0/0'), ('255.255.255.255'), ('::'), ('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128'), ('::ffff:1.2.3.4'),
  ('10.1.0.0/16'), ('00:00:00:00:00:00'), ('ff:ff:ff:ff:ff:ff'), ('00:00:00:00:00:00:00:00'),
  ('ff:ff:ff:ff:ff:ff:ff:ff'), ('0101'), ('(0,0)'), ('(NaN,Infinity)'), ('(-0,1e308)'), ('{1,-1,0}'), ('{0,1,-2.5}'), ('(0,0),(0,0)'),
  ('[(0,0),(1,1)]'), ('(1,1),(0,0)'), ('((0,0),(1,1),(2,0))'), ('<(0,0),1>'), ('<(1e300,-1e300),0>'),
  ('a:1A b:2'), ('a & !b | c:*'), ('{}'), ('[]'), ('1e400'), ('"x"'), ('null'),
  ('{"a": 123456789012345678901234567890, "b": [-1e-400, {"c": 0.10000000000000000000000001}]}'),
  ('<a b="c">d</a>'), ('0/0'), ('FFFFFFFF/FFFFFFFF'), ('10:20:10,14,15'), ('(4294967295,65535)'),
  (repeat('n', 63)), ('pg_class'), ('integer'), ('now'), ('abs(integer)'), ('+(integer,integer)'), ('simple'),
  ('pg_catalog'), ('"C"'), ('1 2 3'), ('23 25'), ('=r/postgres'), ('$.a[*] ? (@ > 1)'), ('strict $'),
  ('[1,10)'), ('empty'), ('(,)'), ('{[1,2),[5,6]}');

DO $sweep$
DECLARE
  t record;
  l record;
  v text;
  n int := 0;
  k int;
  vals text[];
  col text;
BEGIN
  FOR t IN
    SELECT ty.oid::regtype AS typ, ty.typsend <> 0 AS has_send, ty.typarray
    FROM pg_type ty
    WHERE ty.typtype = 'b' AND ty.typisdefined AND ty.typinput <> 0 AND ty.typoutput <> 0
      AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = ty.oid)  -- not itself an array type
    ORDER BY ty.oid
  LOOP
    n := n + 1;
    col := 'b' || n;
    -- The column itself must be creatable (a few catalog-internal types are not).
    BEGIN
      EXECUTE format('CREATE TEMP TABLE sweep_probe (x %s)', t.typ);
      EXECUTE 'DROP TABLE sweep_probe';
    EXCEPTION WHEN others THEN
      CONTINUE;
    END;
    vals := '{}';
    FOR l IN SELECT lit FROM sweep_literals LOOP
      BEGIN
        EXECUTE format('SELECT %L::%s::text', l.lit, t.typ) INTO v;
        IF v IS NOT NULL AND NOT v = ANY (vals) THEN
          vals := vals || v;
        END IF;
      EXCEPTION WHEN others THEN
        NULL;
      END;
      EXIT WHEN cardinality(vals) >= 12;
    END LOOP;
    INSERT INTO sweep_columns (col, typ, has_send) VALUES (col, t.typ::text, t.has_send);
    k := 0;
    FOREACH v IN ARRAY vals LOOP
      k := k + 1;
      INSERT INTO sweep_values VALUES (col, t.typ, k, format('%L::%s', v, t.typ));
    END LOOP;
    -- Values the server keeps in its own catalogs (types no literal reaches: tid,
    -- pg_node_tree, aclitem lists, ...), taken from there as they are: some output
    -- functions print what the input function does not take back.
    IF k < 12 THEN
      FOR l IN
        SELECT a.attname AS att, c.relname AS rel
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind = 'r' AND a.atttypid = t.typ
          AND a.attnum > 0 AND NOT a.attisdropped AND has_table_privilege(c.oid, 'SELECT')
        ORDER BY c.relname, a.attnum LIMIT 4
      LOOP
        FOR v IN EXECUTE format('SELECT %I::text FROM pg_catalog.%I WHERE %I IS NOT NULL LIMIT 2', l.att, l.rel,
                                l.att) LOOP
          IF NOT v = ANY (vals) AND k < 12 THEN
            vals := vals || v;
            k := k + 1;
            INSERT INTO sweep_values VALUES (col, t.typ, k, format('(SELECT %I FROM pg_catalog.%I WHERE %I::text = %L LIMIT 1)',
                                                                  l.att, l.rel, l.att, v));
          END IF;
        END LOOP;
      END LOOP;
    END IF;
  END LOOP;
END
$sweep$;

-- Containers of every base type that has values: an array (NULL elements, empty,
-- two dimensions, a lower bound other than 1), a domain, a range and a multirange.
DO $containers$
DECLARE
  c record;
  first text;
  second text;
  lo text;
  hi text;
  dom text;
  rng text;
  ordered bool;
BEGIN
  FOR c IN
    SELECT s.col, s.typ, s.has_send, min(v.expr) FILTER (WHERE v.k = 1) AS v1,
           coalesce(min(v.expr) FILTER (WHERE v.k = 2), min(v.expr) FILTER (WHERE v.k = 1)) AS v2
    FROM sweep_columns s JOIN sweep_values v ON v.col = s.col
    GROUP BY s.col, s.typ, s.has_send, s.n ORDER BY s.n
  LOOP
    first := c.v1;
    second := c.v2;
    -- The array.
    BEGIN
      EXECUTE format('SELECT ARRAY[%s]', first);
      INSERT INTO sweep_columns (col, typ, has_send) VALUES (c.col || '_a', c.typ || '[]', c.has_send);
      INSERT INTO sweep_values VALUES
        (c.col || '_a', NULL, 1, format('ARRAY[%s, NULL, %s]', first, second)),
        (c.col || '_a', NULL, 2, format('''{}''::%s[]', c.typ)),
        (c.col || '_a', NULL, 3, format('ARRAY[[%s, %s], [NULL, %s]]', first, second, first)),
        (c.col || '_a', NULL, 4, format('(''[0:1]='' || ARRAY[%s, %s]::text)::%s[]', first, second, c.typ)),
        (c.col || '_a', NULL, 5, format('ARRAY[NULL]::%s[]', c.typ));
    EXCEPTION WHEN others THEN
      NULL;
    END;
    -- The domain.
    dom := 'sweep_dom_' || c.col;
    BEGIN
      EXECUTE format('CREATE DOMAIN %I AS %s', dom, c.typ);
      INSERT INTO sweep_columns (col, typ, has_send) VALUES (c.col || '_d', dom, c.has_send);
      INSERT INTO sweep_values SELECT c.col || '_d', NULL, v.k, format('(%s)::%I', v.expr, dom)
        FROM sweep_values v WHERE v.col = c.col;
    EXCEPTION WHEN others THEN
      NULL;
    END;
    -- The range and its multirange: only over a type with a default b-tree order.
    rng := 'sweep_rng_' || c.col;
    BEGIN
      EXECUTE format('CREATE TYPE %I AS RANGE (subtype = %s)', rng, c.typ);
      EXECUTE format('SELECT (%s) <= (%s)', first, second) INTO ordered;
      lo := CASE WHEN ordered THEN first ELSE second END;
      hi := CASE WHEN ordered THEN second ELSE first END;
      INSERT INTO sweep_columns (col, typ, has_send) VALUES (c.col || '_r', rng, c.has_send);
      INSERT INTO sweep_values VALUES
        (c.col || '_r', NULL, 1, format('%I(%s, %s, ''[]'')', rng, lo, hi)),
        (c.col || '_r', NULL, 2, format('''empty''::%I', rng)),
        (c.col || '_r', NULL, 3, format('%I(NULL, %s, ''(]'')', rng, hi)),
        (c.col || '_r', NULL, 4, format('%I(NULL, NULL)', rng));
      INSERT INTO sweep_columns (col, typ, has_send) VALUES (c.col || '_m', rng || '_multirange', c.has_send);
      INSERT INTO sweep_values VALUES
        (c.col || '_m', NULL, 1, format('%I(%I(NULL, %s, ''()''), %I(%s, NULL, ''[)''))', rng || '_multirange',
                                        rng, lo, rng, hi)),
        (c.col || '_m', NULL, 2, format('''{}''::%I', rng || '_multirange'));
    EXCEPTION WHEN others THEN
      NULL;
    END;
  END LOOP;
END
$containers$;

-- An enum, and composites of every base type with values: one of the types with a
-- binary output (it travels in binary too), one of them all.
CREATE TYPE sweep_mood AS ENUM ('sad', 'a b', 'with,comma', 'quote"s', 'NULL', 'é');
INSERT INTO sweep_columns (col, typ, has_send) VALUES ('e', 'sweep_mood', true), ('e_a', 'sweep_mood[]', true);
INSERT INTO sweep_values VALUES
  ('e', NULL, 1, '''sad''::sweep_mood'), ('e', NULL, 2, '''quote"s''::sweep_mood'), ('e', NULL, 3, '''é''::sweep_mood'),
  ('e', NULL, 4, '''NULL''::sweep_mood'),
  ('e_a', NULL, 1, '''{a b,with\,comma,NULL,"NULL"}''::sweep_mood[]'), ('e_a', NULL, 2, '''{}''::sweep_mood[]');

DO $composites$
DECLARE
  fields text;
  kind record;
  i int;
  exprs text;
BEGIN
  FOR kind IN SELECT * FROM (VALUES ('sweep_row_binary', true), ('sweep_row_all', false)) AS x(name, send_only) LOOP
    SELECT string_agg(format('%I %s', s.col, s.typ), ', ' ORDER BY s.n) INTO fields
    FROM sweep_columns s
    WHERE s.col ~ '^b[0-9]+$' AND (s.has_send OR NOT kind.send_only)
      AND EXISTS (SELECT 1 FROM sweep_values v WHERE v.col = s.col);
    EXECUTE format('CREATE TYPE %I AS (%s)', kind.name, fields);
    INSERT INTO sweep_columns (col, typ, has_send) VALUES (kind.name, kind.name, kind.send_only),
      (kind.name || '_a', kind.name || '[]', kind.send_only);
    FOR i IN 1 .. 3 LOOP
      SELECT string_agg(coalesce(v.expr, 'NULL'), ', ' ORDER BY s.n) INTO exprs
      FROM sweep_columns s LEFT JOIN sweep_values v ON v.col = s.col AND v.k = i
      WHERE s.col ~ '^b[0-9]+$' AND (s.has_send OR NOT kind.send_only)
        AND EXISTS (SELECT 1 FROM sweep_values v2 WHERE v2.col = s.col);
      INSERT INTO sweep_values VALUES (kind.name, NULL, i, format('ROW(%s)::%I', exprs, kind.name));
    END LOOP;
    INSERT INTO sweep_values VALUES
      (kind.name || '_a', NULL, 1, format('ARRAY[(SELECT %s), NULL]', (SELECT expr FROM sweep_values
                                   WHERE col = kind.name AND k = 1))),
      (kind.name || '_a', NULL, 2, format('''{}''::%I[]', kind.name));
  END LOOP;
END
$composites$;

-- The table: an integer key, then every column; row k holds each column's k-th
-- value (NULL where it has fewer), and one more row is all NULL.
DO $table$
DECLARE
  rows int;
  i int;
  cols text;
  exprs text;
BEGIN
  SELECT string_agg(format('%I %s', col, typ), ', ' ORDER BY n) INTO cols FROM sweep_columns;
  EXECUTE format('CREATE TABLE public.type_sweep (id int PRIMARY KEY, %s)', cols);
  SELECT max(v.k) INTO rows FROM sweep_values v;
  FOR i IN 1 .. rows LOOP
    SELECT string_agg(coalesce(v.expr, 'NULL'), ', ' ORDER BY s.n) INTO exprs
    FROM sweep_columns s LEFT JOIN sweep_values v ON v.col = s.col AND v.k = i;
    EXECUTE format('INSERT INTO public.type_sweep VALUES (%s, %s)', i, exprs);
  END LOOP;
  EXECUTE format('INSERT INTO public.type_sweep (id) VALUES (%s)', rows + 1);
END
$table$;
ANALYZE public.type_sweep;
