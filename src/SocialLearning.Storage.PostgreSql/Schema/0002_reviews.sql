-- SocialLearning PostgreSQL schema, version 2: a contribution remembers the moderator's last decision
-- (who, and when, as UTC ticks plus the offset in minutes). The columns come last, after updated_by, so that
-- SELECT r.* over jsonb_populate_record (idempotent replays) keeps the store's column order.
ALTER TABLE {S}.contributions
    ADD COLUMN reviewed_by text COLLATE "C",
    ADD COLUMN reviewed_ticks bigint,
    ADD COLUMN reviewed_offset smallint;
