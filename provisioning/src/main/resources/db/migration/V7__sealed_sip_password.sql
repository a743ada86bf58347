-- SIP passwords are sealed at rest (AES-256-GCM with the key in var/secrets, "v1:" + base64 of
-- nonce, ciphertext and tag): a 24-character password takes 75 characters sealed. Plaintext rows of
-- an older hub are sealed by the hub at its first start with this schema (DeviceRepository).
ALTER TABLE device ALTER COLUMN sip_password SET DATA TYPE VARCHAR(255);
