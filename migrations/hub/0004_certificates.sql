-- Certificates as laptops issued them, and their revocations, taken from the record as
-- pushes bring them: what the verification page looks a typed code up in.
CREATE TABLE hub_certificate (
    id          TEXT PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    code        TEXT NOT NULL UNIQUE,
    credential  TEXT NOT NULL,
    -- Its place in its laptop's status list (see the laptop's certificate table).
    status_device TEXT,
    status_index  BIGINT,
    received_at TEXT NOT NULL
);
CREATE TABLE hub_certificate_revocation (
    certificate_id TEXT PRIMARY KEY,
    reason         TEXT NOT NULL,
    revoked_at     TEXT NOT NULL
);
-- Wrong codes typed at the verification page, by who typed them (their address): guessing
-- is slowed down per address, so one guesser cannot lock employers out.
CREATE TABLE hub_verify_failure (
    client TEXT NOT NULL,
    at     TEXT NOT NULL
);
CREATE INDEX hub_verify_failure_client ON hub_verify_failure (client, at);
