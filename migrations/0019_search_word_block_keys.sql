-- Issue 14: a search of sparse words at 1M tasks spent most of its time in the GIN scan decoding the
-- block keys of migration 0013, which hold every task of their block (a 131,072-number window decodes
-- 131,072 entries however few tasks match). This index holds each word of a task once more, qualified
-- by its guild and block of 16,384 numbers ('tasklane.<guild>.w<block>.<word>'), so a window of whole
-- blocks asks per block for "these words of this block" and decodes only the words' entries there
-- (src/store/search.ts spells the keys the same way). Queries still check search_vector itself, so
-- text that looks like a key changes nothing. Words longer than 2,000 bytes get no key here (a key
-- must stay under tsvector's 2,047-byte lexeme limit); a search for one takes the block keys.
CREATE OR REPLACE FUNCTION tasklane_search_word_keys(guild_id text, number integer, search_vector tsvector) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT array_to_tsvector(ARRAY(
    SELECT 'tasklane.' || guild_id || '.w' || (number / 16384) || '.' || word
    FROM unnest(tsvector_to_array(search_vector)) AS word WHERE octet_length(word) <= 2000)) $$;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "task_search_word_keys_idx" ON "task_search" USING gin (tasklane_search_word_keys("guild_id", "number", "search_vector"));
