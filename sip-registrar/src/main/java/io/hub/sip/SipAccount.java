package io.hub.sip;

import io.hub.pki.MacAddress;
import java.util.Optional;

/**
 * A provisioned SIP account as the hub hands it to SIP.
 *
 * @param user the user part of the AOR (the extension)
 * @param realm the digest realm (the account's SIP domain)
 * @param password the password the phone's configuration carries; SIP turns it into digest hashes
 *     at once and keeps only those
 * @param device the phone the account is provisioned on
 * @param enabled false when the device is disabled: registration is refused
 * @param certificateSha256 the fingerprint of the certificate bound to the device, if one is
 * @param certificateRequired true when a REGISTER must come with a valid certificate of the
 *     account's own phone
 */
public record SipAccount(String user, String realm, String password, Optional<MacAddress> device, boolean enabled,
        Optional<String> certificateSha256, boolean certificateRequired) {

    @Override
    public String toString() {
        return "SipAccount[" + user + "@" + realm + ", device=" + device.map(MacAddress::value).orElse("-")
                + ", enabled=" + enabled + "]";
    }
}
