-- DHCP conflicts that phones reported (POST /prov/v1/status/{mac}): one row per phone and option,
-- kept while the phone's latest report still carries the conflict. The admin API groups the rows by
-- the device's site and the finding; tenant and site come from the device row, so they stay current.
CREATE TABLE dhcp_alert (
    mac           CHAR(12)      NOT NULL REFERENCES device(mac) ON DELETE CASCADE,
    dhcp_option   INTEGER       NOT NULL,
    kind          VARCHAR(32)   NOT NULL,
    severity      VARCHAR(16)   NOT NULL,
    raw_value     VARCHAR(1024) NOT NULL,
    decoded       VARCHAR(2048) NOT NULL,
    location      VARCHAR(1024) NOT NULL,
    why           VARCHAR(1000) NOT NULL,
    fix           VARCHAR(1000) NOT NULL,
    first_seen    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (mac, dhcp_option)
);
CREATE INDEX dhcp_alert_kind ON dhcp_alert(kind, dhcp_option);
