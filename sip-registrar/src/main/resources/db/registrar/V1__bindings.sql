-- Registrar bindings survive a restart; after one they have no flow until the phone reconnects.
CREATE TABLE sip_binding (
    aor           VARCHAR(255) NOT NULL,
    binding_key   VARCHAR(600) NOT NULL,
    contact       VARCHAR(1000) NOT NULL,
    instance      VARCHAR(255),
    reg_id        INTEGER,
    call_id       VARCHAR(255) NOT NULL,
    cseq          BIGINT       NOT NULL,
    expires_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    registered_at TIMESTAMP WITH TIME ZONE NOT NULL,
    refreshed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    source        VARCHAR(64),
    transport     VARCHAR(8),
    user_agent    VARCHAR(255),
    device_mac    CHAR(12),
    cipher        VARCHAR(64),
    PRIMARY KEY (aor, binding_key)
);
