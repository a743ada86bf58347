package io.hub.pki;

/** How much a valid device certificate proves. */
public enum TrustLevel {
    /** The manufacturer CA binds the MAC: the certificate proves which phone this is. */
    MAC_ATTESTED,
    /**
     * The CA is generic: it proves the vendor, not the MAC. The MAC comes from the request, so
     * such a certificate must never select a device by it alone: provisioning serves it only to
     * the enrolled device an admin bound its fingerprint to.
     */
    VENDOR_ONLY
}
