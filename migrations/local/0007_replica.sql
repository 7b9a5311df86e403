-- Changes that can travel: each carries only the columns it set, and the laptop keeps,
-- for every synced row, the clock stamp each column was last set at, so changes from
-- several laptops merge column by column (last writer by hybrid logical clock).

-- The outbox is rebuilt: nothing had shipped yet, and its rows were whole rows in the
-- shapes of the app's types. Opening the database after this migration refills it from
-- the tables (one insert per row), in the order rows refer to each other.
DROP TABLE outbox;
CREATE TABLE outbox (
    -- This device's gap-free sequence number of the change, from 1: a rolled-back action
    -- gives its numbers back.
    device_seq     INTEGER PRIMARY KEY,
    hlc            TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    entity         TEXT NOT NULL,
    entity_id      TEXT NOT NULL,
    op             TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    -- JSON object of column → value: every column for an insert, the changed ones for an
    -- update, none for a delete.
    fields         TEXT NOT NULL
);

-- How far the hub has acknowledged this device's outbox: changes after `acked_seq` are
-- pending.
CREATE TABLE sync_state (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    acked_seq INTEGER NOT NULL DEFAULT 0
);
INSERT INTO sync_state (singleton, acked_seq) VALUES (1, 0);

-- Whether each synced row exists, by the latest insert or delete (by stamp), and the name
-- it is shown under when another row of the same name made it give way (NULL: its own).
-- Append-only tables (the hour ledger, team members) are not kept here: their rows never
-- change.
CREATE TABLE replica_row (
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    alive      INTEGER NOT NULL CHECK (alive IN (0, 1)),
    hlc        TEXT NOT NULL,
    shown_name TEXT,
    PRIMARY KEY (entity, entity_id)
) WITHOUT ROWID;

-- Each column's last value (JSON) and the stamp it was set at. The tables are what these
-- values make, so a row waiting for the row it refers to is kept here until that arrives.
CREATE TABLE replica_field (
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    field     TEXT NOT NULL,
    value     TEXT NOT NULL,
    hlc       TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id, field)
) WITHOUT ROWID;
-- Finds the rows that refer to a row (a wave's participants) when it arrives or goes.
CREATE INDEX replica_field_value ON replica_field (entity, field, value);

-- Every change received from another device, so a change delivered twice is applied once.
CREATE TABLE received_change (
    device_id  TEXT NOT NULL,
    device_seq INTEGER NOT NULL,
    PRIMARY KEY (device_id, device_seq)
) WITHOUT ROWID;

-- Ledger rows received before the rows they refer to, kept until those arrive.
CREATE TABLE parked_change (
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    fields    TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id)
) WITHOUT ROWID;
