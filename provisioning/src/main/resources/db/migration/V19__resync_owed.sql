-- Phones owed a check-sync for a change they could not be told of when it was made (issue 16): the
-- hub started with other deviceDefaults than the database's phones were last served. Written in the
-- same transaction as the new setting_digest, so a restart (or a kill) before the phones register
-- keeps the debt; a row is deleted when the phone answers a check-sync with 200, or with the device.
CREATE TABLE resync_owed (
    mac         CHAR(12)      NOT NULL PRIMARY KEY REFERENCES device(mac) ON DELETE CASCADE,
    tenant      VARCHAR(64)   NOT NULL,
    what        VARCHAR(200)  NOT NULL,
    owed_since  TIMESTAMP WITH TIME ZONE NOT NULL
);
