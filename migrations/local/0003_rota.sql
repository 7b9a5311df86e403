-- Leadership rotas: the roles and sessions a programme rotates, and each wave's turns.

-- A programme's roles, in the order a session fills them (a team with fewer people
-- present than roles fills the first ones). A removed role stays for the turns that
-- used it, but no session uses it any more.
CREATE TABLE programme_role (
    id           TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programme (id),
    name         TEXT NOT NULL,
    leading      INTEGER NOT NULL DEFAULT 0 CHECK (leading IN (0, 1)),
    position     INTEGER NOT NULL,
    removed      INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1))
);
CREATE UNIQUE INDEX programme_role_name ON programme_role (programme_id, name COLLATE NOCASE)
    WHERE removed = 0;

-- A programme's sessions (e.g. "Day 2 morning"), in order.
CREATE TABLE programme_session (
    id           TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programme (id),
    name         TEXT NOT NULL,
    position     INTEGER NOT NULL,
    -- The roles in use as a JSON array of role ids, or NULL for every role.
    roles        TEXT
);
CREATE UNIQUE INDEX programme_session_name ON programme_session (programme_id, name COLLATE NOCASE);

-- The team set a wave's rota follows, and the seed its plans are made with.
CREATE TABLE rota (
    wave_id     TEXT PRIMARY KEY REFERENCES wave (id),
    team_set_id TEXT NOT NULL REFERENCES team_set (id),
    seed        INTEGER NOT NULL DEFAULT 1
);

-- One person holding one role for one team in one session. `done` turns happened; `locked`
-- ones staff set by hand. Re-planning keeps both.
CREATE TABLE rota_turn (
    id             TEXT PRIMARY KEY,
    wave_id        TEXT NOT NULL REFERENCES wave (id),
    session_id     TEXT NOT NULL REFERENCES programme_session (id),
    -- The team in the rota's team set at the time, numbered from 0.
    team           INTEGER NOT NULL CHECK (team >= 0),
    role_id        TEXT NOT NULL REFERENCES programme_role (id),
    participant_id TEXT NOT NULL REFERENCES participant (id),
    locked         INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
    done           INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    UNIQUE (wave_id, session_id, team, role_id)
);
CREATE INDEX rota_turn_participant ON rota_turn (participant_id);

-- Who is away for a session.
CREATE TABLE rota_absence (
    id             TEXT PRIMARY KEY,
    wave_id        TEXT NOT NULL REFERENCES wave (id),
    session_id     TEXT NOT NULL REFERENCES programme_session (id),
    participant_id TEXT NOT NULL REFERENCES participant (id),
    UNIQUE (wave_id, session_id, participant_id)
);
