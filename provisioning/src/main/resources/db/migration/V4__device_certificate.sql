-- A generic CA proves the vendor, not the MAC, so its certificates serve a device only once an admin
-- has bound one (SHA-256 of the DER, lower-case hex) to it. The first generic certificate seen for
-- an enrolled device waits as pending, with when and from where, until an admin approves or clears
-- it. A bound fingerprint also pins the device against any other certificate. One certificate is
-- bound to one device at most (NULLs do not collide in a unique index, in H2 and PostgreSQL alike).
ALTER TABLE device ADD COLUMN certificate_sha256 CHAR(64);
ALTER TABLE device ADD COLUMN pending_sha256 CHAR(64);
ALTER TABLE device ADD COLUMN pending_since TIMESTAMP WITH TIME ZONE;
ALTER TABLE device ADD COLUMN pending_source_ip VARCHAR(45);
CREATE UNIQUE INDEX device_certificate ON device(certificate_sha256);
