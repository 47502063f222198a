-- SocialLearning SQLite schema, version 1.
-- Applied inside one BEGIN IMMEDIATE transaction by SqliteSchema; PRAGMA user_version is set to 1 in the same transaction.
-- Times are stored as two integers: UTC ticks (*_ticks) and the offset in minutes (*_offset), so DateTimeOffset round-trips exactly.

-- Entities: key columns for lookups and ordering, the whole record as JSON in data.
CREATE TABLE learners (
    tenant  TEXT    NOT NULL,
    id      TEXT    NOT NULL,
    version INTEGER NOT NULL,
    data    TEXT    NOT NULL,
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;

CREATE TABLE skills (
    tenant  TEXT    NOT NULL,
    id      TEXT    NOT NULL,
    version INTEGER NOT NULL,
    data    TEXT    NOT NULL,
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;

CREATE TABLE skill_edges (
    tenant  TEXT    NOT NULL,
    from_id TEXT    NOT NULL,
    to_id   TEXT    NOT NULL,
    kind    INTEGER NOT NULL,
    weight  REAL    NOT NULL,
    PRIMARY KEY (tenant, from_id, to_id, kind)
) WITHOUT ROWID;

CREATE TABLE evidence (
    seq              INTEGER PRIMARY KEY,
    tenant           TEXT    NOT NULL,
    learner          TEXT    NOT NULL,
    skill            TEXT    NOT NULL,
    source           INTEGER NOT NULL,
    level            REAL    NOT NULL,
    given_by         TEXT,
    observed_ticks   INTEGER NOT NULL,
    observed_offset  INTEGER NOT NULL
);
CREATE INDEX evidence_by_learner ON evidence (tenant, learner, seq);
CREATE INDEX evidence_by_tenant ON evidence (tenant, seq);

CREATE TABLE contributions (
    tenant  TEXT    NOT NULL,
    id      TEXT    NOT NULL,
    version INTEGER NOT NULL,
    author  TEXT    NOT NULL,
    data    TEXT    NOT NULL,
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;

CREATE TABLE revisions (
    tenant          TEXT    NOT NULL,
    contribution_id TEXT    NOT NULL,
    version         INTEGER NOT NULL,
    title           TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    edited_by       TEXT    NOT NULL,
    edited_ticks    INTEGER NOT NULL,
    edited_offset   INTEGER NOT NULL,
    PRIMARY KEY (tenant, contribution_id, version)
) WITHOUT ROWID;

-- Counters are derived from the interaction log and kept in the same transaction as each interaction.
CREATE TABLE counters (
    tenant          TEXT    NOT NULL,
    contribution_id TEXT    NOT NULL,
    views           INTEGER NOT NULL DEFAULT 0,
    helpful         INTEGER NOT NULL DEFAULT 0,
    not_helpful     INTEGER NOT NULL DEFAULT 0,
    saves           INTEGER NOT NULL DEFAULT 0,
    dismissals      INTEGER NOT NULL DEFAULT 0,
    shares          INTEGER NOT NULL DEFAULT 0,
    accepts         INTEGER NOT NULL DEFAULT 0,
    endorsements    INTEGER NOT NULL DEFAULT 0,
    flags           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, contribution_id)
) WITHOUT ROWID;

-- The append-only interaction log.
CREATE TABLE interactions (
    seq             INTEGER PRIMARY KEY,
    tenant          TEXT    NOT NULL,
    contribution_id TEXT    NOT NULL,
    learner         TEXT    NOT NULL,
    kind            INTEGER NOT NULL,
    occurred_ticks  INTEGER NOT NULL,
    occurred_offset INTEGER NOT NULL,
    note            TEXT
);
CREATE INDEX interactions_by_contribution ON interactions (tenant, contribution_id, seq);
CREATE INDEX interactions_by_learner ON interactions (tenant, learner, seq);
CREATE INDEX interactions_by_tenant ON interactions (tenant, seq);

-- One row per learner, item and uniqueness slot (InteractionRules.UniqueSlot): the primary key is what
-- enforces one vote per learner per item, not a read before the write.
CREATE TABLE interaction_slots (
    tenant          TEXT    NOT NULL,
    contribution_id TEXT    NOT NULL,
    learner         TEXT    NOT NULL,
    slot            TEXT    NOT NULL,
    kind            INTEGER NOT NULL,
    PRIMARY KEY (tenant, contribution_id, learner, slot)
) WITHOUT ROWID;

-- Idempotency keys per tenant and operation scope; result holds the first result where the contract returns one.
CREATE TABLE idempotency_keys (
    tenant TEXT NOT NULL,
    scope  TEXT NOT NULL,
    key    TEXT NOT NULL,
    result TEXT,
    PRIMARY KEY (tenant, scope, key)
) WITHOUT ROWID;

-- The change feed. position is the rowid, assigned inside the write transaction; SQLite has one writer at a
-- time, so positions are in commit order. Rows are never deleted, so a position is never reused.
CREATE TABLE changes (
    position         INTEGER PRIMARY KEY,
    tenant           TEXT    NOT NULL,
    kind             INTEGER NOT NULL,
    entity_id        TEXT    NOT NULL,
    version          INTEGER NOT NULL,
    learner          TEXT,
    interaction_kind INTEGER,
    occurred_ticks   INTEGER NOT NULL,
    occurred_offset  INTEGER NOT NULL
);
CREATE INDEX changes_by_tenant ON changes (tenant, position);
