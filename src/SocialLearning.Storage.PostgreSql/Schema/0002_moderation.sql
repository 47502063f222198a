-- SocialLearning PostgreSQL schema, version 2: a contribution remembers the moderator's last decision and whether the
-- learning team features it (who, and until when). Times are UTC ticks plus the offset in minutes. The columns come
-- last, after updated_by, so that SELECT r.* over jsonb_populate_record (idempotent replays) keeps the store's column
-- order. Nullable columns without defaults: adding them does not rewrite the table.
ALTER TABLE {S}.contributions
    ADD COLUMN reviewed_by text COLLATE "C",
    ADD COLUMN reviewed_ticks bigint,
    ADD COLUMN reviewed_offset smallint,
    ADD COLUMN featured_by text COLLATE "C",
    ADD COLUMN featured_until_ticks bigint,
    ADD COLUMN featured_until_offset smallint;
