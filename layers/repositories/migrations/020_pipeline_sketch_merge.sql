-- The same merge of response-time sketches (counts per bucket key), with less work per call: the
-- recorder merges a one-result sketch into an hour's and a day's sketch for every result, so the
-- merge walks only the keys of `b` and lays the sums over `a`, instead of unnesting and regrouping
-- both. Same results for every input (keys of either side, counts summed, '{}' for two NULLs).
CREATE OR REPLACE FUNCTION pym_sketch_merge(a jsonb, b jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(a, '{}'::jsonb) || coalesce(
    (SELECT jsonb_object_agg(key, coalesce((a ->> key)::bigint, 0) + value::text::bigint) FROM jsonb_each(b)),
    '{}'::jsonb)
$$;
