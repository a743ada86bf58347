-- The last check-sync NOTIFY sent to each phone and how it answered (resync and reboot, issue 16):
-- one row per phone, replaced at every attempt, deleted with the device. The tenant is kept so a
-- tenant reads its own rows only.
CREATE TABLE device_resync (
    mac           CHAR(12)      NOT NULL PRIMARY KEY REFERENCES device(mac) ON DELETE CASCADE,
    tenant        VARCHAR(64)   NOT NULL,
    reboot        BOOLEAN       NOT NULL,
    outcome       VARCHAR(16)   NOT NULL,
    sip_status    INTEGER,
    detail        VARCHAR(300),
    requested_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX device_resync_tenant ON device_resync(tenant);
