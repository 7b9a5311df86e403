-- Volunteering hours (HeadStart): where young people volunteer, the append-only ledger of
-- their minutes, the decisions on it, and each programme's milestones.

-- A charity or other place young people volunteer at (not the organisation running the
-- programme, which is `organisation`).
CREATE TABLE volunteering_organisation (
    id      TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    contact TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX volunteering_organisation_name ON volunteering_organisation (name COLLATE NOCASE);

-- A participant placed with an organisation, and who supervises them there.
CREATE TABLE volunteering_placement (
    id              TEXT PRIMARY KEY,
    participant_id  TEXT NOT NULL REFERENCES participant (id),
    organisation_id TEXT NOT NULL REFERENCES volunteering_organisation (id),
    supervisor      TEXT NOT NULL DEFAULT '',
    starts_on       TEXT,
    UNIQUE (participant_id, organisation_id)
);

-- The ledger. An original entry is volunteering done; a void takes an earlier original out
-- of the count and an adjustment sets its minutes, each with a reason. Rows are never
-- changed or deleted (the triggers below refuse it), so the whole history stays.
CREATE TABLE hour_entry (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('original', 'void', 'adjust')),
    corrects        TEXT REFERENCES hour_entry (id),
    participant_id  TEXT NOT NULL REFERENCES participant (id),
    organisation_id TEXT NOT NULL REFERENCES volunteering_organisation (id),
    -- The volunteering day, a calendar date (YYYY-MM-DD).
    date            TEXT NOT NULL,
    minutes         INTEGER NOT NULL,
    activity        TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    logged_by       TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    -- When it was recorded, UTC (RFC 3339 with milliseconds).
    logged_at       TEXT NOT NULL,
    CHECK ((kind = 'original') = (corrects IS NULL)),
    CHECK (CASE kind WHEN 'void' THEN minutes = 0 ELSE minutes BETWEEN 1 AND 1440 END)
);
CREATE INDEX hour_entry_participant ON hour_entry (participant_id, date);
CREATE INDEX hour_entry_corrects ON hour_entry (corrects);

CREATE TRIGGER hour_entry_never_changes BEFORE UPDATE ON hour_entry
BEGIN
    SELECT RAISE(ABORT, 'hour entries are never changed: record a correction instead');
END;
CREATE TRIGGER hour_entry_never_deleted BEFORE DELETE ON hour_entry
BEGIN
    SELECT RAISE(ABORT, 'hour entries are never deleted: record a void instead');
END;

-- A coordinator's approval or rejection, or a supervisor's on the spot (with the signature
-- drawn on the laptop), of an original entry. Also append-only.
CREATE TABLE hour_verification (
    id             TEXT PRIMARY KEY,
    entry_id       TEXT NOT NULL REFERENCES hour_entry (id),
    -- The entry's participant, so a wave's decisions are found without going through
    -- every entry.
    participant_id TEXT NOT NULL REFERENCES participant (id),
    decision       TEXT NOT NULL CHECK (decision IN ('verified', 'rejected')),
    method         TEXT NOT NULL CHECK (method IN ('coordinator', 'supervisor')),
    by_name        TEXT NOT NULL,
    -- SVG path data of the signature, for a supervisor's.
    signature      TEXT,
    device_id      TEXT NOT NULL,
    at             TEXT NOT NULL
);
CREATE INDEX hour_verification_entry ON hour_verification (entry_id);
CREATE INDEX hour_verification_participant ON hour_verification (participant_id);

CREATE TRIGGER hour_verification_never_changes BEFORE UPDATE ON hour_verification
BEGIN
    SELECT RAISE(ABORT, 'decisions on hours are never changed: record a new one');
END;
CREATE TRIGGER hour_verification_never_deleted BEFORE DELETE ON hour_verification
BEGIN
    SELECT RAISE(ABORT, 'decisions on hours are never deleted: record a new one');
END;

-- What verified minutes unlock in a programme, optionally within a window of calendar
-- months from the first volunteering day.
CREATE TABLE programme_milestone (
    id            TEXT PRIMARY KEY,
    programme_id  TEXT NOT NULL REFERENCES programme (id),
    name          TEXT NOT NULL,
    minutes       INTEGER NOT NULL CHECK (minutes > 0),
    within_months INTEGER CHECK (within_months > 0),
    position      INTEGER NOT NULL,
    removed       INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1))
);
CREATE UNIQUE INDEX programme_milestone_name ON programme_milestone (programme_id, name COLLATE NOCASE)
    WHERE removed = 0;
CREATE INDEX participant_external_id ON participant (external_id);
