-- pgbench script (bench/http.bench.ts): the store's own statement, bp_append, on a new stream with one
-- event, as PostgresEventStore.append sends it (the canonical content "c" is precomputed there):
-- the SQL side of an append, without Node.js.
SELECT bp_append('bench-' || gen_random_uuid(), 'bench', 0, jsonb_build_array(jsonb_build_object('i', gen_random_uuid(), 't', 'Bench', 'n', 1, 'd', '{"x":1}'::jsonb, 'm', '{"actor":"bench"}'::jsonb, 'c', '{"x":1}')));
