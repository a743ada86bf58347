-- The certificates each device has been seen with (configuration fetches), so that revoking one of
-- them, by serial or by a manufacturer's CRL, reaches the device even when it is offline: its SIP
-- password, which only that certificate could fetch, is rotated once (acted_at) and the row kept.
-- At most a few rows per device, the latest kept; they go with the device.
CREATE TABLE device_certificate_seen (
    mac          CHAR(12)       NOT NULL REFERENCES device(mac) ON DELETE CASCADE,
    fingerprint  CHAR(64)       NOT NULL,
    issuer       VARCHAR(1000)  NOT NULL,
    serial       VARCHAR(100)   NOT NULL,
    last_seen    TIMESTAMP WITH TIME ZONE NOT NULL,
    acted_at     TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (mac, fingerprint)
);
