-- The hour ledger folds by the hybrid logical clock, not by a laptop's wall clock: every
-- entry and decision keeps the HLC stamp of its recording (the sortable text form), so a
-- laptop whose clock is wrong cannot reorder corrections and decisions.
ALTER TABLE hour_entry ADD COLUMN hlc TEXT NOT NULL DEFAULT '';
ALTER TABLE hour_verification ADD COLUMN hlc TEXT NOT NULL DEFAULT '';

-- Rows recorded before this version take the stamp their outbox entry already had, or
-- (should there be none) one made from their wall-clock time. The ledger's triggers refuse
-- every update, so they step aside for this one and come back unchanged.
DROP TRIGGER hour_entry_never_changes;
DROP TRIGGER hour_verification_never_changes;

-- Each table is joined once to its stamps, grouped, rather than searching the outbox row by row.
UPDATE hour_entry SET hlc = stamps.hlc
FROM (SELECT entity_id, min(hlc) AS hlc FROM outbox WHERE entity = 'hour_entry' GROUP BY entity_id)
    AS stamps
WHERE stamps.entity_id = hour_entry.id;
UPDATE hour_entry SET hlc = printf('%015d-%010d-%s',
        CAST(round((julianday(logged_at) - 2440587.5) * 86400000) AS INTEGER), 0,
        replace(device_id, '-', ''))
WHERE hlc = '';
UPDATE hour_verification SET hlc = stamps.hlc
FROM (SELECT entity_id, min(hlc) AS hlc FROM outbox WHERE entity = 'hour_verification'
      GROUP BY entity_id) AS stamps
WHERE stamps.entity_id = hour_verification.id;
UPDATE hour_verification SET hlc = printf('%015d-%010d-%s',
        CAST(round((julianday(at) - 2440587.5) * 86400000) AS INTEGER), 0,
        replace(device_id, '-', ''))
WHERE hlc = '';

CREATE TRIGGER hour_entry_never_changes BEFORE UPDATE ON hour_entry
BEGIN
    SELECT RAISE(ABORT, 'hour entries are never changed: record a correction instead');
END;
CREATE TRIGGER hour_verification_never_changes BEFORE UPDATE ON hour_verification
BEGIN
    SELECT RAISE(ABORT, 'decisions on hours are never changed: record a new one');
END;
