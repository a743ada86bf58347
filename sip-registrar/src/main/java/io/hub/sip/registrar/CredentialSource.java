package io.hub.sip.registrar;

import java.util.Optional;

/**
 * The narrow door through which the registrar learns about accounts. Provisioning implements it;
 * the registrar never reads provisioning's tables.
 */
@FunctionalInterface
public interface CredentialSource {

    /** The account whose AOR is {@code user@domain}, if one is provisioned. */
    Optional<SipCredentials> lookup(String user, String domain);
}
