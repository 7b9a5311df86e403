-- The laptop database. Ids are UUIDv7 text made on the device that created the row.

CREATE TABLE device (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    device_id   TEXT NOT NULL,
    -- The last hybrid logical clock stamp this device issued.
    hlc_wall    INTEGER NOT NULL,
    hlc_counter INTEGER NOT NULL
);

CREATE TABLE organisation (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE programme (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisation (id),
    name            TEXT NOT NULL,
    archived        INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))
);
CREATE UNIQUE INDEX programme_name ON programme (organisation_id, name COLLATE NOCASE);

CREATE TABLE wave (
    id           TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programme (id),
    name         TEXT NOT NULL,
    site         TEXT NOT NULL DEFAULT '',
    starts_on    TEXT,
    ends_on      TEXT,
    archived     INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))
);
CREATE UNIQUE INDEX wave_name ON wave (programme_id, name COLLATE NOCASE);

CREATE TABLE participant (
    id               TEXT PRIMARY KEY,
    wave_id          TEXT NOT NULL REFERENCES wave (id),
    -- The sign-up system's id: how an updated roster finds the participant again.
    external_id      TEXT NOT NULL,
    first_name       TEXT NOT NULL,
    last_name        TEXT NOT NULL DEFAULT '',
    date_of_birth    TEXT,
    gender           TEXT NOT NULL DEFAULT '',
    ethnicity        TEXT NOT NULL DEFAULT '',
    faith            TEXT NOT NULL DEFAULT '',
    school           TEXT NOT NULL DEFAULT '',
    postcode         TEXT NOT NULL DEFAULT '',
    fsm              INTEGER CHECK (fsm IN (0, 1)),
    additional_needs INTEGER CHECK (additional_needs IN (0, 1)),
    -- Custom roster columns as a JSON object of header → value.
    custom           TEXT NOT NULL DEFAULT '{}',
    UNIQUE (wave_id, external_id)
);

CREATE TABLE relationship (
    id      TEXT PRIMARY KEY,
    wave_id TEXT NOT NULL REFERENCES wave (id),
    a       TEXT NOT NULL REFERENCES participant (id),
    b       TEXT NOT NULL REFERENCES participant (id),
    kind    TEXT NOT NULL CHECK (kind IN ('friend', 'keep_apart', 'keep_together')),
    CHECK (a < b),
    UNIQUE (a, b, kind)
);
CREATE INDEX relationship_b ON relationship (b);
CREATE INDEX relationship_wave ON relationship (wave_id);

CREATE TABLE staff_member (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisation (id),
    name            TEXT NOT NULL,
    email           TEXT NOT NULL DEFAULT '',
    role            TEXT NOT NULL CHECK (role IN ('field_staff', 'coordinator', 'administrator'))
);

-- Every change to a synced table, in the transaction that made it. The hub sync ships
-- these in HLC order; `seq` is only this laptop's order of writing and never leaves it.
CREATE TABLE outbox (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    id        TEXT NOT NULL UNIQUE,
    hlc       TEXT NOT NULL,
    device_id TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    op        TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    payload   TEXT NOT NULL,
    shipped   INTEGER NOT NULL DEFAULT 0 CHECK (shipped IN (0, 1))
);
CREATE INDEX outbox_unshipped ON outbox (shipped, hlc);
