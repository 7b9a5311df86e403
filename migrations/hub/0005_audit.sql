-- Every device's audit trail as the device sent it, link by link (ids and codes only).
-- A push's links must follow on from the last one kept here, so a trail rewritten on a
-- laptop after it was sent no longer fits.
CREATE TABLE hub_audit_link (
    device_id  TEXT NOT NULL,
    seq        BIGINT NOT NULL,
    at_ms      BIGINT NOT NULL,
    actor      TEXT,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (device_id, seq)
);
