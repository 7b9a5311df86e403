-- The organisation's hub. One text for SQLite and PostgreSQL: portable types only (TEXT,
-- BIGINT, INTEGER), times as RFC 3339 UTC text (they sort as they compare), JSON as text.

-- The organisation this hub serves, the hub's own signing key (Ed25519, base64) and its
-- key for bundles.
CREATE TABLE hub_organisation (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    id          TEXT NOT NULL,
    name        TEXT NOT NULL,
    signing_key TEXT NOT NULL,
    -- The age secret key USB bundles for the hub are encrypted to.
    bundle_identity TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- Every device ever enrolled; `acked_seq` is the last of its changes the hub holds (or
-- refused), updated in the same transaction as those changes.
CREATE TABLE hub_device (
    id          TEXT PRIMARY KEY,
    label       TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('field_staff', 'coordinator')),
    public_key  TEXT NOT NULL,
    enrolled_at TEXT NOT NULL,
    revoked_at  TEXT,
    last_seen   TEXT,
    acked_seq   BIGINT NOT NULL DEFAULT 0,
    -- How far the device said it holds the record (a pull's cursor, a bundle's): where a
    -- bundle for it starts.
    pull_cursor BIGINT NOT NULL DEFAULT 0,
    -- The age public key bundles for the device are encrypted to.
    bundle_recipient TEXT NOT NULL
);

-- The programmes a field device may see and change: the name as the administrator gave
-- it, and the key it is matched by (case and outer spaces aside).
CREATE TABLE hub_device_programme (
    device_id TEXT NOT NULL REFERENCES hub_device (id),
    name_key  TEXT NOT NULL,
    name      TEXT NOT NULL,
    PRIMARY KEY (device_id, name_key)
);

-- One-time enrolment codes, kept as hashes; `used_by` is the device that took one.
CREATE TABLE hub_enrolment (
    code_hash  TEXT PRIMARY KEY,
    label      TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('field_staff', 'coordinator')),
    programmes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_by    TEXT
);

-- When wrong enrolment codes were tried (the hub slows guessing down).
CREATE TABLE hub_enrol_failure (
    at TEXT NOT NULL
);

-- Single-use challenges a device signs to open a session.
CREATE TABLE hub_challenge (
    nonce      TEXT PRIMARY KEY,
    expires_at TEXT NOT NULL
);

-- Open sessions, by the hash of their token.
CREATE TABLE hub_session (
    token_hash TEXT PRIMARY KEY,
    device_id  TEXT NOT NULL REFERENCES hub_device (id),
    expires_at TEXT NOT NULL
);

-- The organisation's record: every accepted change, at the position the hub committed it
-- (positions come from hub_counter inside the pushing transaction, so they follow commit
-- order). `scope` is the programme the change belongs to (NULL: the whole organisation).
CREATE TABLE hub_change (
    position    BIGINT PRIMARY KEY,
    device_id   TEXT NOT NULL,
    device_seq  BIGINT NOT NULL,
    scope       TEXT,
    body        TEXT NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (device_id, device_seq)
);

-- The last position handed out: one row, updated by every push that adds changes.
CREATE TABLE hub_counter (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    position  BIGINT NOT NULL
);
INSERT INTO hub_counter (singleton, position) VALUES (1, 0);

-- Changes kept out of the record, and why.
CREATE TABLE hub_refused (
    device_id   TEXT NOT NULL,
    device_seq  BIGINT NOT NULL,
    reason      TEXT NOT NULL,
    body        TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (device_id, device_seq)
);

-- Which programme each programme, wave, participant and team set belongs to (what other
-- changes are scoped by), and each programme's name key.
CREATE TABLE hub_scope (
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    programme_id TEXT NOT NULL,
    name_key     TEXT,
    PRIMARY KEY (entity, entity_id)
);
