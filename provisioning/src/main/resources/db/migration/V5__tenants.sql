-- Tenants get a SIP domain of their own and tokens that can be revoked; firmware, the audit log and
-- the status history become per tenant.

-- The default tenant's domain is the hub's setting (sipDomain, else its public name), so its row keeps
-- NULL; every other tenant names its own, and no two share one. A NULL token is a revoked one.
ALTER TABLE tenant ADD COLUMN sip_domain VARCHAR(253);
CREATE UNIQUE INDEX tenant_sip_domain ON tenant(sip_domain);
ALTER TABLE tenant ALTER COLUMN token_sha256 DROP NOT NULL;

-- Firmware images and targets belong to the tenant that uploaded them; what was stored before is the
-- default tenant's.
CREATE TABLE tenant_firmware_image (
    tenant_id     VARCHAR(64)  NOT NULL REFERENCES tenant(id),
    model         VARCHAR(64)  NOT NULL,
    version       VARCHAR(64)  NOT NULL,
    size_bytes    BIGINT       NOT NULL,
    sha256        CHAR(64)     NOT NULL,
    file_name     VARCHAR(300) NOT NULL,
    uploaded_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, model, version)
);
INSERT INTO tenant_firmware_image (tenant_id, model, version, size_bytes, sha256, file_name, uploaded_at)
    SELECT 'default', model, version, size_bytes, sha256, file_name, uploaded_at FROM firmware_image;

CREATE TABLE tenant_firmware_target (
    tenant_id     VARCHAR(64)  NOT NULL,
    model         VARCHAR(64)  NOT NULL,
    version       VARCHAR(64)  NOT NULL,
    PRIMARY KEY (tenant_id, model),
    FOREIGN KEY (tenant_id, model, version) REFERENCES tenant_firmware_image(tenant_id, model, version)
);
INSERT INTO tenant_firmware_target (tenant_id, model, version)
    SELECT 'default', model, version FROM firmware_target;

DROP TABLE firmware_target;
DROP TABLE firmware_image;
ALTER TABLE tenant_firmware_image RENAME TO firmware_image;
ALTER TABLE tenant_firmware_target RENAME TO firmware_target;

-- The tenant an audit event concerns: the acting admin's, else the owner of the MAC. NULL rows (a bad
-- token, an unenrolled phone) are the operator's alone. Earlier rows are attributed the same way.
ALTER TABLE audit_event ADD COLUMN tenant_id VARCHAR(64);
UPDATE audit_event SET tenant_id = (SELECT d.tenant_id FROM device d WHERE d.mac = audit_event.mac)
    WHERE mac IS NOT NULL;
UPDATE audit_event SET tenant_id = SUBSTRING(actor FROM 7) WHERE tenant_id IS NULL AND actor LIKE 'admin:%';
CREATE INDEX audit_event_tenant ON audit_event(tenant_id, id);

-- A phone's status history goes with its enrollment: the next owner of the MAC starts with none.
DELETE FROM device_contact WHERE mac NOT IN (SELECT mac FROM device);
ALTER TABLE device_contact ADD CONSTRAINT device_contact_device FOREIGN KEY (mac) REFERENCES device(mac)
    ON DELETE CASCADE;
