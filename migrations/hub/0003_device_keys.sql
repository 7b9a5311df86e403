-- Every key a device has held. A revoked laptop let back in signs with a new key; what its
-- old key signed before the revocation stays the organisation's, and the hub publishes both
-- (its DID document), the old one with the time it was withdrawn.
CREATE TABLE hub_device_key (
    public_key  TEXT PRIMARY KEY,
    device_id   TEXT NOT NULL REFERENCES hub_device (id),
    enrolled_at TEXT NOT NULL,
    revoked_at  TEXT
);
INSERT INTO hub_device_key (public_key, device_id, enrolled_at, revoked_at)
    SELECT public_key, id, enrolled_at, revoked_at FROM hub_device;
