-- Changes compaction took out of the record because later changes overwrite everything
-- they set (see ARCHITECTURE.md, "Compaction"). Only what held each position is kept, so
-- a device's pull cursor at that position can still be checked against the record.
CREATE TABLE hub_compacted (
    position     BIGINT PRIMARY KEY,
    device_id    TEXT NOT NULL,
    device_seq   BIGINT NOT NULL,
    compacted_at TEXT NOT NULL
);
