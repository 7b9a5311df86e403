-- The keys the organisation's hub vouches for (every device's, with when each was
-- withdrawn), as the hub last said at a sync: what an enrolled laptop checks certificates
-- against and writes as the organisation's keys file, with no network.
ALTER TABLE sync_state ADD COLUMN issuing_keys TEXT;
