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
 */
public record SipCredentials(String user, String realm, String ha1Md5, String ha1Sha256, Optional<MacAddress> device,
        boolean enabled) {
}
