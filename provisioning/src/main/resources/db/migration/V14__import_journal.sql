-- The import journal (issue 18): H2's recovery can leave rows of a large transaction that never
-- committed, so a bulk import is made all or nothing by the hub itself. Before the import's
-- transaction, a small committed one records the import ('applying'), the MACs it will create and
-- the before-image of every row it will change or delete; the import's own transaction marks it
-- 'applied'. At start, an import not applied is undone from these images (ImportJournal).
CREATE TABLE import_journal (
    id            VARCHAR(36)  PRIMARY KEY,
    tenant_id     VARCHAR(64)  NOT NULL,
    state         VARCHAR(16)  NOT NULL CHECK (state IN ('applying', 'applied')),
    started_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The MACs the import touches: 'create' (absent before), 'update' or 'delete' (imaged below).
CREATE TABLE import_journal_mac (
    journal_id    VARCHAR(36)  NOT NULL,
    mac           CHAR(12)     NOT NULL,
    change_kind   VARCHAR(8)   NOT NULL,
    PRIMARY KEY (journal_id, mac)
);

-- Before-images: the same columns as the imaged table (no keys, no references), plus the journal.
-- A column added to an imaged table later must be added here too, or an undo restores its default.
CREATE TABLE import_before_device AS SELECT * FROM device WITH NO DATA;
ALTER TABLE import_before_device ADD COLUMN journal_id VARCHAR(36) NOT NULL;
CREATE INDEX import_before_device_journal ON import_before_device(journal_id, mac);
CREATE TABLE import_before_device_setting AS SELECT * FROM device_setting WITH NO DATA;
ALTER TABLE import_before_device_setting ADD COLUMN journal_id VARCHAR(36) NOT NULL;
CREATE INDEX import_before_device_setting_journal ON import_before_device_setting(journal_id, mac);
CREATE TABLE import_before_device_contact AS SELECT * FROM device_contact WITH NO DATA;
ALTER TABLE import_before_device_contact ADD COLUMN journal_id VARCHAR(36) NOT NULL;
CREATE INDEX import_before_device_contact_journal ON import_before_device_contact(journal_id, mac);
CREATE TABLE import_before_dhcp_alert AS SELECT * FROM dhcp_alert WITH NO DATA;
ALTER TABLE import_before_dhcp_alert ADD COLUMN journal_id VARCHAR(36) NOT NULL;
CREATE INDEX import_before_dhcp_alert_journal ON import_before_dhcp_alert(journal_id, mac);
CREATE TABLE import_before_device_resync AS SELECT * FROM device_resync WITH NO DATA;
ALTER TABLE import_before_device_resync ADD COLUMN journal_id VARCHAR(36) NOT NULL;
CREATE INDEX import_before_device_resync_journal ON import_before_device_resync(journal_id, mac);
CREATE TABLE import_before_device_certificate_seen AS SELECT * FROM device_certificate_seen WITH NO DATA;
ALTER TABLE import_before_device_certificate_seen ADD COLUMN journal_id VARCHAR(36) NOT NULL;
CREATE INDEX import_before_device_certificate_seen_journal ON import_before_device_certificate_seen(journal_id, mac);
CREATE TABLE import_before_claimable_device AS SELECT * FROM claimable_device WITH NO DATA;
ALTER TABLE import_before_claimable_device ADD COLUMN journal_id VARCHAR(36) NOT NULL;
CREATE INDEX import_before_claimable_device_journal ON import_before_claimable_device(journal_id, mac);
