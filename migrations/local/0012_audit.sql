-- The audit trail: one link per change this device makes and per read or export of
-- sensitive data, ids and codes only, chained by SHA-256 (see mixwell_domain::audit).
-- Append-only: a link is never changed or removed here, and the hub keeps a copy of every
-- link it was sent, so a chain rewritten on the laptop no longer fits the hub's.
CREATE TABLE audit_link (
    seq        INTEGER PRIMARY KEY,   -- 1, 2, 3… with no gaps
    at_ms      INTEGER NOT NULL,
    actor      TEXT,                  -- a staff account's id, when one is signed in
    action     TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete', 'read', 'export')),
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);

CREATE TRIGGER audit_link_no_update BEFORE UPDATE ON audit_link
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_link_no_delete BEFORE DELETE ON audit_link
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

-- How far the hub holds this device's audit trail.
ALTER TABLE sync_state ADD COLUMN audit_acked INTEGER NOT NULL DEFAULT 0;
