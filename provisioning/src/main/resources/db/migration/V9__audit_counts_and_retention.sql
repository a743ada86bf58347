-- An aggregate row stands for event_count events of one source, reason and minute (SIP refusals
-- that cost the sender nothing are written this way); every other row counts one.
ALTER TABLE audit_event ADD COLUMN event_count INT DEFAULT 1 NOT NULL;
-- The retention purge deletes by age, oldest first, in small batches.
CREATE INDEX audit_event_at ON audit_event(at, id);
CREATE INDEX device_contact_at ON device_contact(at, id);
