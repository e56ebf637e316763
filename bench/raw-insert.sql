-- pgbench script of the raw baseline (bench/http.bench.ts): one one-row INSERT transaction
-- into a table with a uuid primary key and a jsonb body, autocommit, as a command's append is.
INSERT INTO raw_bench (id, body) VALUES (gen_random_uuid(), '{"x":1}');
