-- Whether a tenant's phones must present a valid certificate of their own device when they register
-- over SIP-TLS ('required') or are only asked for one ('wanted'); null follows the hub's setting.
ALTER TABLE tenant ADD COLUMN sip_client_certificate VARCHAR(16)
    CHECK (sip_client_certificate IN ('wanted', 'required'));
