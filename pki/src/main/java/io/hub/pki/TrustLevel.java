package io.hub.pki;

/** How much a valid device certificate proves. */
public enum TrustLevel {
    /** The manufacturer CA binds the MAC: the certificate proves which phone this is. */
    MAC_ATTESTED,
    /**
     * The CA is generic: it proves the vendor, not the MAC. The MAC comes from the request, so
     * such a phone must already be enrolled and is flagged in its status.
     */
    VENDOR_ONLY
}
