-- The hub nodes that share this database (issue 15): every running node rewrites its own row every
-- few seconds (heartbeat_at) with the phone flows and calls it holds. A node whose heartbeat stopped
-- is listed as gone; its row stays, so an operator sees which node went away and when.
CREATE TABLE hub_node (
    name          VARCHAR(63)   PRIMARY KEY,
    version       VARCHAR(64)   NOT NULL,
    started_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    flows         INTEGER       NOT NULL,
    calls         INTEGER       NOT NULL
);
