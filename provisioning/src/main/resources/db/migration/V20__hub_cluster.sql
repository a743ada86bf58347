-- What makes the nodes sharing this database one cluster (issue 15): the hub CA every node's home
-- holds (pki/ca.pem) and a check value of the key that seals SIP passwords (secrets/), recorded by
-- the first node that started on the database. A node whose home holds another PKI or other secrets
-- refuses to start and says which. One row.
CREATE TABLE hub_cluster (
    id              INTEGER       PRIMARY KEY,
    ca_fingerprint  VARCHAR(128)  NOT NULL,
    secrets_check   VARCHAR(64)   NOT NULL,
    founded_by      VARCHAR(63)   NOT NULL,
    founded_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT hub_cluster_one_row CHECK (id = 1)
);
