package io.hub.sip.registrar;

import io.hub.pki.MacAddress;
import java.util.Optional;

/**
 * What the registrar may know of a SIP user: the digest hashes, never the password, and the phone
 * the account belongs to (to match a client certificate).
 *
 * @param user the user part of the AOR (the extension)
 * @param realm the digest realm (the SIP domain)
 * @param ha1Md5 MD5(user:realm:password), lower-case hex
 * @param ha1Sha256 SHA-256(user:realm:password), lower-case hex
 * @param device the phone the account is provisioned on
 * @param enabled false when the device is disabled: registration is refused
 * @param certificateSha256 the fingerprint of the certificate bound to the device, if one is: the
 *     only certificate of a generic (vendor-only) CA accepted for this account
 * @param certificateRequired true when a REGISTER must come with a valid certificate of the
 *     account's own phone ({@code sipClientCertificate: required}); false when one is wanted only
 */
public record SipCredentials(String user, String realm, String ha1Md5, String ha1Sha256, Optional<MacAddress> device,
        boolean enabled, Optional<String> certificateSha256, boolean certificateRequired) {

    /** An account with no bound certificate, whose phone may register without one. */
    public SipCredentials(String user, String realm, String ha1Md5, String ha1Sha256, Optional<MacAddress> device,
            boolean enabled) {
        this(user, realm, ha1Md5, ha1Sha256, device, enabled, Optional.empty(), false);
    }

    /** This account with its phone's bound certificate and the client certificate policy. */
    public SipCredentials withCertificate(Optional<String> boundSha256, boolean required) {
        return new SipCredentials(user, realm, ha1Md5, ha1Sha256, device, enabled, boundSha256, required);
    }
}
