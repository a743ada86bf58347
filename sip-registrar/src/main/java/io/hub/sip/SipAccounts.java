package io.hub.sip;

import java.util.Optional;

/**
 * What SIP asks the rest of the hub about accounts: hub-app implements it over provisioning. The
 * registrar keeps only the digest hashes of what {@link #account} returns.
 */
public interface SipAccounts {

    /**
     * The account whose AOR is {@code user@domain}, if one is provisioned. Its realm is the domain
     * the account lives in, which may be written differently from {@code domain} (another name of
     * the same domain): bindings are stored under that one.
     *
     * @throws StoreUnavailableException when the accounts cannot be read now
     */
    Optional<SipAccount> account(String user, String domain);

    /**
     * The domain {@code host} stands for when it is one the hub serves (itself, or the domain it is
     * another name of); empty otherwise. A call is routed only within its caller's domain.
     */
    Optional<String> canonicalDomain(String host);
}
