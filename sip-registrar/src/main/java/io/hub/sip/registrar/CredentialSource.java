package io.hub.sip.registrar;

import java.util.Optional;

/**
 * The narrow door through which the registrar learns about accounts. Provisioning implements it;
 * the registrar never reads provisioning's tables.
 */
@FunctionalInterface
public interface CredentialSource {

    /**
     * The account whose AOR is {@code user@domain}, if one is provisioned. Its realm is the domain
     * the account lives in, which may be written differently from {@code domain} (another name of
     * the same domain): the registrar stores the binding under that one.
     */
    Optional<SipCredentials> lookup(String user, String domain);

    /**
     * The domain {@code host} stands for when it is one this source serves (itself, or the domain it
     * is another name of); empty when it serves no such domain or cannot tell. A call is routed only
     * within its caller's domain, so a request for another served domain is refused.
     */
    default Optional<String> canonicalDomain(String host) {
        return Optional.empty();
    }
}
