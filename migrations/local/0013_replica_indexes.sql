-- The index over every recorded value made each participant's every column cost an index
-- entry (names included), which was most of a roster import's time. Only two lookups need
-- it: the rows that refer to a row (by one of the synced tables' foreign-key columns) and
-- rows by name. Partial indexes keep exactly those. `replica::shadow::REFERENCE_FIELD` repeats the condition
-- for the lookup, and opening the store refuses a reference it does not cover.
DROP INDEX replica_field_value;
CREATE INDEX replica_field_reference ON replica_field (entity, field, value)
    WHERE field IN ('a', 'b', 'certificate_id', 'corrects', 'entry_id', 'organisation_id', 'participant_id', 'programme_id', 'role_id', 'session_id', 'team_set_id', 'wave_id');
CREATE INDEX replica_field_name ON replica_field (entity, value COLLATE NOCASE)
    WHERE field = 'name';
