package io.hub.pki;

import java.math.BigInteger;
import java.util.Optional;

/**
 * Who a validated device certificate says the phone is.
 *
 * @param mac the normalised MAC
 * @param model the model named in the certificate (subject OU), if any
 * @param fingerprint SHA-256 of the certificate, lower-case hex
 * @param serial the certificate's serial number
 * @param issuer the name of the trusted manufacturer CA that anchors the chain
 * @param trustLevel whether the CA vouches for the MAC or only for the vendor
 */
public record DeviceIdentity(MacAddress mac, Optional<String> model, String fingerprint, BigInteger serial,
        String issuer, TrustLevel trustLevel) {
}
