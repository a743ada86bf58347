-- The site and device layers of a phone's configuration (device-profiles renders them in order:
-- global, site, model, device). Keys and values are checked against the Setting catalogue on write.
CREATE TABLE site_setting (
    tenant_id     VARCHAR(64)  NOT NULL REFERENCES tenant(id),
    site          VARCHAR(100) NOT NULL,
    setting_key   VARCHAR(64)  NOT NULL,
    setting_value VARCHAR(512) NOT NULL,
    PRIMARY KEY (tenant_id, site, setting_key)
);

CREATE TABLE device_setting (
    mac           CHAR(12)     NOT NULL REFERENCES device(mac) ON DELETE CASCADE,
    setting_key   VARCHAR(64)  NOT NULL,
    setting_value VARCHAR(512) NOT NULL,
    PRIMARY KEY (mac, setting_key)
);
