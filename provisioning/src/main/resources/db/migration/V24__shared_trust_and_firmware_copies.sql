-- What the nodes of a cluster share beyond the catalogue (issue 15).
--
-- Each node's PKI keeps its trusted manufacturer CAs and their imported CRLs in its own home; a node
-- copies the decisions made on its home (hub pki trust, untrust) here, and every node takes up the
-- ones decided later than its own. One row per CA, by the SHA-256 of its certificate: trusted (with
-- its DER, name, MAC rule and kind) or untrusted, and when.
CREATE TABLE shared_trust (
    fingerprint    VARCHAR(64)   PRIMARY KEY,
    name           VARCHAR(64)   NOT NULL,
    certificate    BYTEA,
    mac_rule       VARCHAR(200),
    generic        BOOLEAN       NOT NULL,
    trusted        BOOLEAN       NOT NULL,
    decided_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The newest imported CRL of each trusted manufacturer CA, by the CA's fingerprint (DER).
CREATE TABLE shared_crl (
    ca_fingerprint VARCHAR(64)   PRIMARY KEY,
    crl            BYTEA         NOT NULL,
    shared_at      TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The bytes of each firmware image, in pieces of at most 256 KiB, so that every node can serve an
-- image uploaded on another: written in the transaction that records the image (on PostgreSQL; a
-- single node on H2 keeps its files only), removed with its catalogue row.
CREATE TABLE firmware_chunk (
    tenant_id      VARCHAR(64)   NOT NULL,
    model          VARCHAR(64)   NOT NULL,
    version        VARCHAR(64)   NOT NULL,
    seq            INTEGER       NOT NULL,
    bytes          BYTEA         NOT NULL,
    PRIMARY KEY (tenant_id, model, version, seq),
    FOREIGN KEY (tenant_id, model, version) REFERENCES firmware_image(tenant_id, model, version) ON DELETE CASCADE
);
