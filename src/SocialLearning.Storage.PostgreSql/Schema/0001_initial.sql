-- SocialLearning PostgreSQL schema, version 1. {S} is replaced by the quoted schema name.
-- Every tenant table has tenant_id as the first column of its primary key, and row-level security
-- (FORCE, so the table owner is subject to it too) as a second wall behind the queries' own tenant filters.
-- The tenant is set per transaction with set_config('sociallearning.tenant', ..., true).
-- Times are stored as UTC ticks plus the offset in minutes, so DateTimeOffset values round-trip exactly.

CREATE TABLE {S}.feed_head (
    id smallint PRIMARY KEY CHECK (id = 1),
    position bigint NOT NULL
);
INSERT INTO {S}.feed_head (id, position) VALUES (1, 0);

CREATE TABLE {S}.learners (
    tenant_id text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL,
    display_name text NOT NULL,
    team text,
    roles text[] NOT NULL,
    version bigint NOT NULL,
    created_ticks bigint NOT NULL,
    created_offset smallint NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE {S}.skills (
    tenant_id text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL,
    name text NOT NULL,
    aliases text[] NOT NULL,
    description text,
    version bigint NOT NULL,
    created_ticks bigint NOT NULL,
    created_offset smallint NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE {S}.skill_edges (
    tenant_id text COLLATE "C" NOT NULL,
    from_id text COLLATE "C" NOT NULL,
    to_id text COLLATE "C" NOT NULL,
    kind smallint NOT NULL,
    weight double precision NOT NULL,
    PRIMARY KEY (tenant_id, from_id, to_id, kind)
);

CREATE TABLE {S}.evidence (
    tenant_id text COLLATE "C" NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    learner_id text COLLATE "C" NOT NULL,
    skill_id text COLLATE "C" NOT NULL,
    source smallint NOT NULL,
    level double precision NOT NULL,
    given_by text COLLATE "C",
    observed_ticks bigint NOT NULL,
    observed_offset smallint NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX evidence_by_learner ON {S}.evidence (tenant_id, learner_id, seq);

CREATE TABLE {S}.contributions (
    tenant_id text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL,
    kind smallint NOT NULL,
    author_id text COLLATE "C" NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    skills text[] NOT NULL,
    context_keys text[] NOT NULL,
    audience_teams text[] NOT NULL,
    audience_roles text[] NOT NULL,
    status smallint NOT NULL,
    parent_id text COLLATE "C",
    url text,
    version bigint NOT NULL,
    created_ticks bigint NOT NULL,
    created_offset smallint NOT NULL,
    updated_ticks bigint NOT NULL,
    updated_offset smallint NOT NULL,
    updated_by text COLLATE "C",
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE {S}.revisions (
    tenant_id text COLLATE "C" NOT NULL,
    contribution_id text COLLATE "C" NOT NULL,
    version bigint NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    edited_by text COLLATE "C" NOT NULL,
    edited_ticks bigint NOT NULL,
    edited_offset smallint NOT NULL,
    PRIMARY KEY (tenant_id, contribution_id, version)
);

-- Counters are kept in the same transaction as the interaction that changes them.
CREATE TABLE {S}.counters (
    tenant_id text COLLATE "C" NOT NULL,
    contribution_id text COLLATE "C" NOT NULL,
    views bigint NOT NULL DEFAULT 0,
    helpful bigint NOT NULL DEFAULT 0,
    not_helpful bigint NOT NULL DEFAULT 0,
    saves bigint NOT NULL DEFAULT 0,
    dismissals bigint NOT NULL DEFAULT 0,
    shares bigint NOT NULL DEFAULT 0,
    accepts bigint NOT NULL DEFAULT 0,
    endorsements bigint NOT NULL DEFAULT 0,
    flags bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, contribution_id)
);

-- One row per learner, item and uniqueness slot (InteractionRules.UniqueSlot): the unique key enforces one vote.
CREATE TABLE {S}.interaction_slots (
    tenant_id text COLLATE "C" NOT NULL,
    contribution_id text COLLATE "C" NOT NULL,
    learner_id text COLLATE "C" NOT NULL,
    slot text COLLATE "C" NOT NULL,
    kind smallint NOT NULL,
    PRIMARY KEY (tenant_id, contribution_id, learner_id, slot)
);

CREATE TABLE {S}.interactions (
    tenant_id text COLLATE "C" NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    contribution_id text COLLATE "C" NOT NULL,
    learner_id text COLLATE "C" NOT NULL,
    kind smallint NOT NULL,
    occurred_ticks bigint NOT NULL,
    occurred_offset smallint NOT NULL,
    note text,
    PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX interactions_by_contribution ON {S}.interactions (tenant_id, contribution_id, seq);
CREATE INDEX interactions_by_learner ON {S}.interactions (tenant_id, learner_id, seq);

-- Idempotency keys: the first result of a create, as the row it wrote (jsonb of the table's row type).
CREATE TABLE {S}.idempotency (
    tenant_id text COLLATE "C" NOT NULL,
    scope text COLLATE "C" NOT NULL,
    key text COLLATE "C" NOT NULL,
    payload jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, scope, key)
);

-- The change feed. A write transaction inserts its change with position NULL as its last statement; seq (taken
-- at that insert, so after every lock the transaction needed) orders changes consistently with commits.
-- assign_positions() hands out positions to every committed change that has none (and, inside a writer's own
-- transaction, to that writer's change), in seq order, while holding the feed_head row lock until its own commit. Positions therefore
-- become visible in increasing order and without holes: a reader that sees position N sees every position below
-- N, so a follower that resumes from its last position misses nothing. Writers still commit concurrently (group
-- commit); only the short numbering transaction is serialized, and one numbering covers every writer waiting.
-- write_token identifies the transaction that wrote the change (a batch writes several changes with one token),
-- to settle commits whose outcome the client lost.
CREATE TABLE {S}.changes (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    position bigint UNIQUE,
    tenant_id text COLLATE "C" NOT NULL,
    kind smallint NOT NULL,
    entity_id text COLLATE "C" NOT NULL,
    version bigint NOT NULL,
    learner_id text COLLATE "C",
    interaction_kind smallint,
    occurred_ticks bigint NOT NULL,
    occurred_offset smallint NOT NULL,
    write_token uuid NOT NULL
);
CREATE INDEX changes_by_tenant ON {S}.changes (tenant_id, position);
CREATE INDEX changes_pending ON {S}.changes (seq) WHERE position IS NULL;
CREATE INDEX changes_by_write_token ON {S}.changes (write_token);

-- wait = false is used inside a writer's own transaction, just before its COMMIT: it numbers only when no other
-- numbering holds the head (SKIP LOCKED, so writers never queue behind each other) and returns NULL otherwise; the
-- writer's commit then makes the numbering visible, and the lock is held until it is.
CREATE FUNCTION {S}.assign_positions(wait boolean DEFAULT true) RETURNS bigint LANGUAGE plpgsql AS $fn$
DECLARE
    head bigint;
    assigned bigint;
BEGIN
    PERFORM set_config('sociallearning.feed', 'sequencer', true);
    IF NOT EXISTS (SELECT 1 FROM {S}.changes WHERE position IS NULL) THEN
        RETURN (SELECT position FROM {S}.feed_head WHERE id = 1);
    END IF;
    -- Serializes numbering: the lock is held until this transaction has committed and become visible. Each
    -- statement below takes a new snapshot (read committed), so it sees what the previous numbering committed.
    IF wait THEN
        SELECT position INTO head FROM {S}.feed_head WHERE id = 1 FOR UPDATE;
    ELSE
        SELECT position INTO head FROM {S}.feed_head WHERE id = 1 FOR UPDATE SKIP LOCKED;
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
    END IF;
    WITH pending AS (
        SELECT seq, row_number() OVER (ORDER BY seq) AS rn
        FROM {S}.changes WHERE position IS NULL ORDER BY seq LIMIT 50000)
    UPDATE {S}.changes c SET position = head + pending.rn FROM pending WHERE c.seq = pending.seq;
    GET DIAGNOSTICS assigned = ROW_COUNT;
    IF assigned > 0 THEN
        UPDATE {S}.feed_head SET position = head + assigned WHERE id = 1;
        PERFORM pg_notify('{C}', (head + assigned)::text);
    END IF;
    RETURN head + assigned;
END
$fn$;

-- Row-level security: the second wall.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['learners','skills','skill_edges','evidence','contributions','revisions','counters','interaction_slots','interactions','idempotency']
    LOOP
        EXECUTE format('ALTER TABLE {S}.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE {S}.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON {S}.%I USING (tenant_id = current_setting(''sociallearning.tenant'', true)) WITH CHECK (tenant_id = current_setting(''sociallearning.tenant'', true))', t);
    END LOOP;
END
$$;

-- The feed can also be read across tenants (for infrastructure such as the recommendation index), but only when
-- the transaction says so explicitly; inserts always need the tenant; only assign_positions() updates rows.
ALTER TABLE {S}.changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE {S}.changes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_read ON {S}.changes FOR SELECT
    USING (tenant_id = current_setting('sociallearning.tenant', true)
        OR current_setting('sociallearning.feed', true) IN ('all-tenants', 'sequencer'));
CREATE POLICY tenant_insert ON {S}.changes FOR INSERT
    WITH CHECK (tenant_id = current_setting('sociallearning.tenant', true));
CREATE POLICY sequencer_update ON {S}.changes FOR UPDATE
    USING (current_setting('sociallearning.feed', true) = 'sequencer')
    WITH CHECK (current_setting('sociallearning.feed', true) = 'sequencer');
