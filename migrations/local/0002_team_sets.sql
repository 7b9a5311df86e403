-- Saved team sets of a wave: each activity's teams, kept so later ones can avoid repeats.

CREATE TABLE team_set (
    id         TEXT PRIMARY KEY,
    wave_id    TEXT NOT NULL REFERENCES wave (id),
    name       TEXT NOT NULL,
    -- When it was saved, UTC milliseconds; team sets are listed in this order.
    saved_ms   INTEGER NOT NULL,
    -- The options it was formed with (JSON), so staff can form the next one alike.
    settings   TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX team_set_name ON team_set (wave_id, name COLLATE NOCASE);

CREATE TABLE team_member (
    team_set_id    TEXT NOT NULL REFERENCES team_set (id) ON DELETE CASCADE,
    participant_id TEXT NOT NULL REFERENCES participant (id),
    -- The team, numbered from 0 (shown from 1).
    team           INTEGER NOT NULL CHECK (team >= 0),
    pinned         INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    PRIMARY KEY (team_set_id, participant_id)
);
