-- Revocations every node of a cluster takes up (issue 15): each node's PKI keeps its own
-- revocations.json; a node copies the entries it made (hub pki revoke on its home) here, and every
-- node adds the ones it lacks to its own file, at start and when told of a change. One row per
-- revoked certificate (issuer and serial) or device (MAC).
CREATE TABLE shared_revocation (
    revocation_key VARCHAR(600)  PRIMARY KEY,
    serial         VARCHAR(64),
    issuer         VARCHAR(500),
    mac            CHAR(12),
    reason         VARCHAR(32)   NOT NULL,
    revoked_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
