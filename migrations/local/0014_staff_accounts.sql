-- Staff accounts that sign in: the safeguarding lead's role, each account's PIN or
-- passphrase as an Argon2id hash (a PHC string; '' until one is set), and closed accounts,
-- which keep their name on what they did but can no longer sign in. SQLite cannot change a
-- CHECK, so the table is built again; nothing refers to it.
CREATE TABLE staff_member_new (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisation (id),
    name            TEXT NOT NULL,
    email           TEXT NOT NULL DEFAULT '',
    role            TEXT NOT NULL CHECK (role IN ('field_staff', 'coordinator', 'safeguarding_lead', 'administrator')),
    secret          TEXT NOT NULL DEFAULT '',
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
INSERT INTO staff_member_new (id, organisation_id, name, email, role)
    SELECT id, organisation_id, name, email, role FROM staff_member;
DROP TABLE staff_member;
ALTER TABLE staff_member_new RENAME TO staff_member;
