-- What the hub said held its record at the pull cursor's position: sent back with the
-- cursor, so a hub whose record was rewritten behind it (restored from a backup) can tell
-- and send this laptop the whole record again.
ALTER TABLE sync_state ADD COLUMN pull_mark TEXT;
