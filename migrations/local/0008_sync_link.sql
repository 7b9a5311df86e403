-- The laptop's link to its organisation's hub, made when it enrols, and how its last
-- rounds of sync went.

CREATE TABLE sync_link (
    singleton         INTEGER PRIMARY KEY CHECK (singleton = 1),
    hub_url           TEXT NOT NULL,
    -- The device's Ed25519 private key, base64: it signs the hub's challenges. (The
    -- data-protection work moves it to the operating system's keychain.)
    device_key        TEXT NOT NULL,
    organisation_id   TEXT NOT NULL,
    organisation_name TEXT NOT NULL,
    role              TEXT NOT NULL CHECK (role IN ('field_staff', 'coordinator')),
    -- JSON array of the programme names a field laptop is enrolled for.
    programmes        TEXT NOT NULL,
    label             TEXT NOT NULL,
    enrolled_at       TEXT NOT NULL,
    -- The hub's Ed25519 public key (it signs the USB bundles it writes) and the age public
    -- key bundles for the hub are encrypted to.
    hub_key           TEXT NOT NULL,
    hub_recipient     TEXT NOT NULL,
    -- The age secret key bundles for this laptop are encrypted to.
    bundle_identity   TEXT NOT NULL,
    -- A certificate (PEM) to trust for the hub beyond the system's, for a hub serving HTTPS
    -- with its own certificate.
    hub_ca            TEXT
);

-- The hub position this laptop holds every other device's changes up to; when it last
-- finished a round; what went wrong in the last round that failed, in words and as its
-- error code (NULL once one succeeds); how far this laptop's clock was from the hub's then.
ALTER TABLE sync_state ADD COLUMN pull_cursor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN last_synced TEXT;
ALTER TABLE sync_state ADD COLUMN last_attempt TEXT;
ALTER TABLE sync_state ADD COLUMN last_problem TEXT;
ALTER TABLE sync_state ADD COLUMN last_problem_code TEXT;
ALTER TABLE sync_state ADD COLUMN clock_offset_ms INTEGER;
-- How many changes the last good round took that were stamped more than a day ahead of
-- this laptop's clock (another laptop's clock is wrong).
ALTER TABLE sync_state ADD COLUMN last_clamped INTEGER NOT NULL DEFAULT 0;

-- Changes of this laptop the hub kept out of the organisation's record, and why. They
-- stay in the outbox; the queue moves past them.
CREATE TABLE refused_change (
    device_seq INTEGER PRIMARY KEY REFERENCES outbox (device_seq),
    reason     TEXT NOT NULL,
    refused_at TEXT NOT NULL
);
