-- Volunteer-hour certificates as issued: each keeps the signed credential it was issued
-- with, so a re-export gives the same file, and a revocation refers to it. Both travel by
-- sync and are never changed or removed: a certificate is revoked, not edited.
CREATE TABLE certificate (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    code TEXT NOT NULL UNIQUE,
    participant_id TEXT NOT NULL REFERENCES participant(id),
    -- SHA-256 of the facts it states: an unchanged certificate is not issued again.
    facts_digest TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    credential TEXT NOT NULL,
    -- Its place in its laptop's revocation status list at the hub (W3C Bitstring Status
    -- List): the device whose list it is, and the index; none for a laptop of its own.
    status_device TEXT,
    status_index INTEGER
);
CREATE INDEX certificate_participant ON certificate(participant_id);
CREATE UNIQUE INDEX certificate_status ON certificate(status_device, status_index)
    WHERE status_device IS NOT NULL;
CREATE TRIGGER certificate_never_changes BEFORE UPDATE ON certificate
BEGIN
    SELECT RAISE(ABORT, 'certificates are never changed: revoke it and issue a new one');
END;
CREATE TRIGGER certificate_never_deleted BEFORE DELETE ON certificate
BEGIN
    SELECT RAISE(ABORT, 'certificates are never deleted: revoke it instead');
END;

CREATE TABLE certificate_revocation (
    id TEXT PRIMARY KEY,
    certificate_id TEXT NOT NULL REFERENCES certificate(id),
    reason TEXT NOT NULL,
    revoked_at TEXT NOT NULL,
    revoked_by TEXT NOT NULL
);
CREATE INDEX certificate_revocation_certificate ON certificate_revocation(certificate_id);
CREATE TRIGGER certificate_revocation_never_changes BEFORE UPDATE ON certificate_revocation
BEGIN
    SELECT RAISE(ABORT, 'revocations are never changed');
END;
CREATE TRIGGER certificate_revocation_never_deleted BEFORE DELETE ON certificate_revocation
BEGIN
    SELECT RAISE(ABORT, 'revocations are never deleted');
END;

-- The key this laptop signs certificates with while it is its own organisation. Never
-- synced. (The data-protection work moves it to the OS keychain.)
CREATE TABLE issuing_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    secret BLOB NOT NULL CHECK (length(secret) = 32),
    created_at TEXT NOT NULL
);
