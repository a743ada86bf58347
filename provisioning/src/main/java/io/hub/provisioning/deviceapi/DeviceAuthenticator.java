package io.hub.provisioning.deviceapi;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hub.pki.DeviceCertificateValidator;
import io.hub.pki.DeviceIdentity;
import io.hub.pki.DeviceValidation;
import io.hub.pki.MacAddress;
import io.hub.pki.RefusalCause;
import io.hub.pki.TrustLevel;
import io.hub.profiles.PhoneCatalogue;
import io.hub.profiles.PhoneModel;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.devices.CertificateBindings;
import io.hub.provisioning.devices.ClaimableRepository;
import io.hub.provisioning.devices.Device;
import io.hub.provisioning.devices.DeviceRepository;
import io.hub.provisioning.devices.DeviceState;
import io.hub.provisioning.devices.KeptDevices;
import io.hub.provisioning.devices.KeptFingerprints;
import io.hub.provisioning.http.RateLimiter;
import io.hub.provisioning.http.RateLimits;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.http.RequestFacts;
import io.hub.provisioning.storage.Database;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;

/**
 * Every device request is authenticated here before anything else: the phone's certificate chain
 * goes to the PKI's validator with the MAC the path names, then the valid certificate has to fit the
 * enrolled device: its model (subject OU), when it names one, must be the enrolled model
 * ({@code wrong-model}), and the device's certificate binding must let it through
 * ({@link CertificateBindings}: a generic CA's certificate never selects a device by the URL alone).
 * Each refusal is thrown with its cause; the request's {@link RequestFacts} already hold the MAC and
 * fingerprint it is audited with.
 */
final class DeviceAuthenticator {

    /** How long an accepted certificate is trusted without judging it again, while nothing else changed. */
    static final Duration VALIDATION_REUSE = Duration.ofSeconds(10);
    /** Accepted certificates kept; past it the least useful are evicted (a gauge shows the size). */
    static final int MAX_KEPT_VALIDATIONS = 100_000;
    /** The gauge of {@link #MAX_KEPT_VALIDATIONS}'s table. */
    static final String KEPT_VALIDATIONS = "hub.device.validations.kept";
    /** The request attribute that holds the access {@link #keptAccess} granted it. */
    private static final String KEPT_ACCESS = DeviceAuthenticator.class.getName() + ".keptAccess";

    private final DeviceCertificateValidator validator;
    private final Database database;
    private final DeviceRepository devices;
    private final ClaimableRepository claimable = new ClaimableRepository();
    private final CertificateBindings bindings;
    private final PhoneCatalogue catalogue;
    private final RateLimiter refusalsPerCertificate;
    private final Clock clock;
    // Upkeep on the caller's thread, as for every cache a request reads: handed to the common pool,
    // it woke a thread every few requests.
    private final Cache<KeptKey, KeptValidation> accepted =
            Caffeine.newBuilder().maximumSize(MAX_KEPT_VALIDATIONS).executor(Runnable::run).build();
    /** Enrolled devices kept in memory, shared with the SIP side; unknown MACs are never kept. */
    private final KeptDevices enrolled;

    DeviceAuthenticator(DeviceCertificateValidator validator, Database database, DeviceRepository devices,
            CertificateBindings bindings, PhoneCatalogue catalogue, RateLimiter refusalsPerCertificate, Clock clock,
            MeterRegistry metrics, KeptDevices enrolled) {
        this.enrolled = enrolled;
        this.validator = validator;
        this.database = database;
        this.devices = devices;
        this.bindings = bindings;
        this.catalogue = catalogue;
        this.refusalsPerCertificate = refusalsPerCertificate;
        this.clock = clock;
        io.micrometer.core.instrument.Gauge.builder(KEPT_VALIDATIONS, accepted, Cache::estimatedSize)
                .description("device certificates whose acceptance is kept, so a kept connection is not "
                        + "validated again on every request (bounded by " + MAX_KEPT_VALIDATIONS + ")")
                .register(metrics);
    }

    /**
     * The enrolled device the request's certificate speaks for.
     *
     * @param named the MAC the request names, if any
     * @param recordClaimable list a valid MAC-attesting certificate of an unenrolled MAC as claimable
     * @throws ProvisioningException the refusal, its facts recorded in the request's {@link RequestFacts}
     */
    Access authenticate(Request request, Optional<MacAddress> named, boolean recordClaimable) {
        RequestFacts facts = RequestFacts.of(request);
        if (request.getAttribute(KEPT_ACCESS) instanceof Access kept
                && named.equals(Optional.of(kept.device().mac()))) {
            // Judged moments ago for this very request, from what memory keeps (keptAccess).
            facts.mac(kept.device().mac().value());
            facts.fingerprint(kept.identity().fingerprint());
            return kept;
        }
        named.ifPresent(mac -> facts.mac(mac.value()));
        List<X509Certificate> chain = chainOf(request);
        DeviceValidation validation = validate(chain, named);
        if (named.isEmpty() && validation.refusal().filter(RefusalCause.NO_MAC::equals).isPresent()
                && !validation.fingerprint().isEmpty()) {
            // A generic certificate without a MAC, on a request that names none (firmware, discovery
            // without ?mac=): the device it is bound to, if any, is the one it speaks for.
            String unnamed = validation.fingerprint();
            Optional<MacAddress> bound = database.transaction(connection -> devices.boundTo(connection, unnamed));
            if (bound.isPresent()) {
                named = bound;
                facts.mac(bound.get().value());
                validation = validate(chain, named);
            }
        }
        String fingerprint = validation.fingerprint();
        facts.fingerprint(fingerprint);
        if (!validation.isAccepted()) {
            RefusalCause cause = validation.refusal().orElseThrow();
            if (!fingerprint.isEmpty()) {
                RateLimits.acquire(refusalsPerCertificate, fingerprint);
            }
            throw new ProvisioningException(Refusal.of(cause), cause.description(), validation.detail(), null);
        }
        DeviceIdentity identity = validation.identityOrThrow();
        MacAddress mac = identity.mac();
        facts.mac(mac.value());
        // A phone's device row is read once, then kept until a change to it commits (ConfigChanges).
        Optional<Device> found = Optional.ofNullable(enrolled.get(mac, () -> database.transaction(
                connection -> devices.find(connection, mac)).orElse(null)));
        if (found.isEmpty()) {
            RateLimits.acquire(refusalsPerCertificate, fingerprint);
            if (recordClaimable && identity.trustLevel() == TrustLevel.MAC_ATTESTED) {
                database.transaction(connection -> {
                    claimable.recordSighting(connection, mac, identity.model().orElse(null), fingerprint,
                            identity.issuer(), facts.sourceIp(), clock.instant());
                    return null;
                });
            }
            throw new ProvisioningException(Refusal.NOT_ENROLLED, "device " + mac + " is not enrolled",
                    identity.trustLevel() == TrustLevel.VENDOR_ONLY ? "vendor-only certificate; not claimable"
                            : "recorded as claimable", null);
        }
        Device device = found.get();
        refusalOf(identity, device).ifPresent(refusal -> {
            throw refusal;
        });
        CertificateBindings.Judgement judgement = bindings.judge(device, fingerprint,
                identity.trustLevel() == TrustLevel.MAC_ATTESTED, facts.sourceIp());
        if (!judgement.served()) {
            RateLimits.acquire(refusalsPerCertificate, fingerprint);
            throw new ProvisioningException(judgement.verdict().refusal(), judgement.verdict().message(),
                    judgement.detail(), null);
        }
        return new Access(identity, device, chain.get(0));
    }

    /**
     * The access {@link #authenticate} would grant the request's certificate for {@code named}, when
     * memory alone can tell: the certificate's acceptance, the enrolled device and a binding that
     * needs no lookup are all kept. Empty otherwise, or when the answer would be a refusal. Reads
     * nothing from the database and changes nothing but the request, which keeps the access for
     * {@link #authenticate} to return without judging again.
     */
    Optional<Access> keptAccess(Request request, MacAddress named) {
        List<X509Certificate> chain = chainOf(request);
        if (chain.isEmpty()) {
            return Optional.empty();
        }
        Optional<MacAddress> asNamed = Optional.of(named);
        DeviceValidation validation = kept(keyOf(chain, asNamed), validator.state(), clock.instant());
        if (validation == null) {
            return Optional.empty();
        }
        DeviceIdentity identity = validation.identityOrThrow();
        Device device = enrolled.kept(identity.mac());
        if (device == null || refusalOf(identity, device).isPresent() || !bindings.servesWithoutLookup(device,
                validation.fingerprint(), identity.trustLevel() == TrustLevel.MAC_ATTESTED)) {
            return Optional.empty();
        }
        Access access = new Access(identity, device, chain.get(0));
        request.setAttribute(KEPT_ACCESS, access);
        return Optional.of(access);
    }

    private static List<X509Certificate> chainOf(Request request) {
        EndPoint.SslSessionData tls = request.getConnectionMetaData().getConnection().getEndPoint().getSslSessionData();
        return tls == null || tls.peerCertificates() == null ? List.of() : List.of(tls.peerCertificates());
    }

    /** Why an accepted certificate may still not speak for the enrolled device: disabled, or another model. */
    private Optional<ProvisioningException> refusalOf(DeviceIdentity identity, Device device) {
        if (device.state() == DeviceState.DISABLED) {
            return Optional.of(new ProvisioningException(Refusal.DISABLED, "device " + device.mac() + " is disabled"));
        }
        if (identity.model().isPresent() && !isEnrolledModel(identity.model().get(), device)) {
            return Optional.of(new ProvisioningException(Refusal.WRONG_MODEL, "the certificate is for a "
                    + identity.model().get() + ", device " + device.mac() + " is enrolled as a " + device.model()));
        }
        return Optional.empty();
    }

    /** The MAC a path or query names; a malformed one is refused {@code malformed-mac}. */
    static MacAddress mac(String text) {
        try {
            return MacAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ProvisioningException(Refusal.MALFORMED_MAC, e.getMessage());
        }
    }

    /** True when the certificate's model (subject OU) names the enrolled model, by its name or an alias. */
    private boolean isEnrolledModel(String certified, Device device) {
        return catalogue.find(certified).map(PhoneModel::name).filter(device.model()::equals).isPresent();
    }

    /**
     * Validates the chain, or reuses the verdict for the same certificates and MAC: a phone sends
     * the same certificate on every request and every reconnect. Only acceptances are kept, beside
     * the validator's {@linkplain DeviceCertificateValidator#state() state}: any revocation, trust
     * change or CRL import, also by another process, makes the next request judge again, on a kept
     * or resumed TLS session alike. {@link #VALIDATION_REUSE} bounds what only the clock changes
     * (expiry, a CRL's next update). Refusals are judged (and audited) every time, so unknown or
     * random certificates never enter the table.
     */
    private DeviceValidation validate(List<X509Certificate> chain, Optional<MacAddress> named) {
        if (chain.isEmpty()) {
            return validator.validate(chain, named);
        }
        KeptKey key = keyOf(chain, named);
        Object state = validator.state();
        Instant now = clock.instant();
        DeviceValidation kept = kept(key, state, now);
        if (kept != null) {
            return kept;
        }
        DeviceValidation validation = validator.validate(chain, named);
        if (validation.isAccepted()) {
            accepted.put(key, new KeptValidation(validation, state, now.plus(VALIDATION_REUSE)));
        } else {
            accepted.invalidate(key);
        }
        return validation;
    }

    private static KeptKey keyOf(List<X509Certificate> chain, Optional<MacAddress> named) {
        // A loop, not a stream: this runs on every kept-alive request.
        String[] fingerprints = new String[chain.size()];
        for (int i = 0; i < fingerprints.length; i++) {
            fingerprints[i] = KeptFingerprints.sha256(chain.get(i));
        }
        return new KeptKey(List.of(fingerprints), named.isPresent() ? named.get().value() : "");
    }

    /** The kept acceptance of {@code key}, when it is still young and nothing the validator reads changed. */
    private DeviceValidation kept(KeptKey key, Object state, Instant now) {
        KeptValidation kept = accepted.getIfPresent(key);
        return kept != null && kept.until().isAfter(now) && kept.state().equals(state) ? kept.validation() : null;
    }

    /** The certificates presented (SHA-256 each, leaf first) and the MAC the request names. */
    private record KeptKey(List<String> chain, String named) {
    }

    private record KeptValidation(DeviceValidation validation, Object state, Instant until) {
    }
}
