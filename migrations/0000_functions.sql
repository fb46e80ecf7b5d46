-- array_to_string is only STABLE, and a generated column needs an IMMUTABLE expression.
-- Labels are plain text, so joining them is immutable in fact; this wrapper says so.
CREATE OR REPLACE FUNCTION tasklane_labels_text(labels text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT coalesce(array_to_string(labels, ' '), '') $$;
