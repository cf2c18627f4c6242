-- Issue 19: the generation of the rollups' closed buckets. A write into a bucket that a chart may keep
-- in its cache (a late result, imported history) takes the next value after it commits; the cache
-- keys carry the current one, so every function that writes (the results consumer, the API's import)
-- drops what every reader (the API, with Redis or its own memory) kept, without sharing a cache.
-- A sequence: taking a value never waits on another transaction.
CREATE SEQUENCE rollup_generation;
