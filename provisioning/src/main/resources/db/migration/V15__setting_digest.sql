-- What phones of this database were last configured with, where it comes from outside the database
-- (issue 16): the SHA-256 of the global settings layer (hub.yaml's deviceDefaults and the keepalive).
-- A hub that starts with another layer owes every phone a check-sync when it registers.
CREATE TABLE setting_digest (
    name        VARCHAR(64)   NOT NULL PRIMARY KEY,
    sha256      CHAR(64)      NOT NULL,
    changed_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
