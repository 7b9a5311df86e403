-- Every change carries a gap-free sequence number per device that ships with it, so a hub
-- can spot a gap and acknowledge by position, and the schema version it was written under.
ALTER TABLE outbox ADD COLUMN device_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN schema_version INTEGER NOT NULL DEFAULT 5;

-- Changes written before this version are numbered in the order they were written (one
-- pass over the outbox, however long it has grown).
UPDATE outbox SET device_seq = numbered.n
FROM (SELECT seq, row_number() OVER (PARTITION BY device_id ORDER BY seq) AS n FROM outbox)
    AS numbered
WHERE outbox.seq = numbered.seq;
CREATE UNIQUE INDEX outbox_device_seq ON outbox (device_id, device_seq);
