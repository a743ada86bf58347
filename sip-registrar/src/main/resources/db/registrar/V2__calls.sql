-- Ended calls. Media figures are a small JSON document per call: they are shown, never queried.
CREATE TABLE sip_call (
    id          VARCHAR(64)  NOT NULL PRIMARY KEY,
    caller      VARCHAR(255) NOT NULL,
    callee      VARCHAR(255) NOT NULL,
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    answered_at TIMESTAMP WITH TIME ZONE,
    ended_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    cause       VARCHAR(32)  NOT NULL,
    status      INTEGER      NOT NULL,
    media       VARCHAR(4000) NOT NULL
);
CREATE INDEX sip_call_ended ON sip_call (ended_at);
