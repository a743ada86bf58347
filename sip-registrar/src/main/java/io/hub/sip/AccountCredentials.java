package io.hub.sip;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hub.sip.registrar.CredentialSource;
import io.hub.sip.registrar.DigestAuthenticator;
import io.hub.sip.registrar.SipCredentials;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;

/**
 * The hub's {@link SipAccounts} as the registrar reads them: digest hashes, never the password.
 *
 * <p>The hashes of an account are kept with the account as it was read: a REGISTER asks twice (its
 * challenge, then its answer), and hashing the secret with MD5 and SHA-256 each time was a tenth of
 * a REGISTER's work. The key is the whole account, password and policy included, so a changed
 * account is a new key and is hashed anew, never answered from the old one. Only accounts that exist
 * are kept, so unknown users cannot grow the table; it is bounded, and its size is a gauge.
 */
final class AccountCredentials implements CredentialSource {

    static final int MAX_KEPT = 100_000;
    private static final Duration KEPT_FOR = Duration.ofMinutes(10);

    private final SipAccounts accounts;
    // Upkeep on the caller's thread: handed to the common pool, it woke a thread every few reads.
    private final Cache<SipAccount, SipCredentials> hashed = Caffeine.newBuilder().maximumSize(MAX_KEPT)
            .expireAfterAccess(KEPT_FOR).executor(Runnable::run).build();

    AccountCredentials(SipAccounts accounts, MeterRegistry metrics) {
        this.accounts = accounts;
        Gauge.builder("hub.sip.credentials.kept", hashed, Cache::estimatedSize)
                .description("SIP accounts whose digest hashes are kept (at most " + MAX_KEPT + ")").register(metrics);
    }

    @Override
    public Optional<SipCredentials> lookup(String user, String domain) {
        return accounts.account(user, domain).map(account -> hashed.get(account, AccountCredentials::credentials));
    }

    @Override
    public Optional<String> canonicalDomain(String host) {
        return accounts.canonicalDomain(host);
    }

    /** Accounts whose hashes are kept now. */
    long kept() {
        hashed.cleanUp();
        return hashed.estimatedSize();
    }

    private static SipCredentials credentials(SipAccount account) {
        return DigestAuthenticator.credentials(account.user(), account.realm(), account.password(), account.device(),
                account.enabled()).withCertificate(account.certificateSha256(), account.certificateRequired());
    }
}
