package io.hub.sip;

import io.hub.sip.registrar.CredentialSource;
import io.hub.sip.registrar.DigestAuthenticator;
import io.hub.sip.registrar.SipCredentials;
import java.util.Optional;

/** The hub's {@link SipAccounts} as the registrar reads them: digest hashes, never the password. */
final class AccountCredentials implements CredentialSource {

    private final SipAccounts accounts;

    AccountCredentials(SipAccounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public Optional<SipCredentials> lookup(String user, String domain) {
        return accounts.account(user, domain).map(account -> DigestAuthenticator.credentials(account.user(),
                account.realm(), account.password(), account.device(), account.enabled())
                .withCertificate(account.certificateSha256(), account.certificateRequired()));
    }

    @Override
    public Optional<String> canonicalDomain(String host) {
        return accounts.canonicalDomain(host);
    }
}
