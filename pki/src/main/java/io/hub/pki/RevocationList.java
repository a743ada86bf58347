package io.hub.pki;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import javax.security.auth.x500.X500Principal;

/**
 * The device certificates and devices the hub refuses although their chain is good. Kept in
 * {@code revocations.json}; certificate entries are also published as {@code crl.pem} by
 * {@link HubPki#publishCrl()}. A MAC entry refuses every certificate carrying that MAC, including
 * ones the hub never saw, which a CRL cannot express.
 *
 * <p>Like {@link TrustedManufacturers}, reads reload the file when it changes. The checks a request
 * makes ({@code isRevoked}) look at the file at most once every {@link RecentLook#EVERY_NANOS}, as the
 * validator's state does: a change this process makes is seen by the next check, one another process
 * makes by the first check that long after it. Without that, every REGISTER cost a {@code stat} of
 * the file. Writes always look at the file first, so none overwrites another process's entry.
 */
public final class RevocationList {

    static final String FILE = "revocations.json";

    /** RFC 5280 reason codes, by the names the CLI accepts. */
    public enum Reason {
        UNSPECIFIED(0), KEY_COMPROMISE(1), CA_COMPROMISE(2), AFFILIATION_CHANGED(3), SUPERSEDED(4),
        CESSATION_OF_OPERATION(5);

        private final int code;

        Reason(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        /** Parses {@code key-compromise}, {@code superseded} and so on. */
        public static Reason fromOption(String text) {
            try {
                return valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown revocation reason '" + text + "': expected "
                        + "unspecified, key-compromise, ca-compromise, affiliation-changed, superseded or "
                        + "cessation-of-operation");
            }
        }
    }

    private final java.nio.file.Path file;
    /** What the checks read: the file as last looked at, once a window. */
    private final RecentLook<Snapshot> recent;
    /**
     * The file's version and what it held, swapped as one: readers (every device request asks)
     * take no lock, and only a changed file is parsed again.
     */
    private final AtomicReference<Loaded> loaded =
            new AtomicReference<>(new Loaded(null, new Snapshot(new State(BigInteger.ZERO, List.of()))));

    RevocationList(java.nio.file.Path pkiDirectory) {
        this(pkiDirectory, System::nanoTime);
    }

    RevocationList(java.nio.file.Path pkiDirectory, LongSupplier nanoTime) {
        this.file = pkiDirectory.resolve(FILE);
        this.recent = new RecentLook<>(this::current, nanoTime);
    }

    /** True when the certificate (issuer and serial) has been revoked. */
    public boolean isRevoked(X509Certificate certificate) {
        return recent.get().certificates.contains(certificateKey(certificate.getIssuerX500Principal(),
                certificate.getSerialNumber()));
    }

    /** True when the certificate with {@code serial} issued by {@code issuer} has been revoked. */
    public boolean isRevoked(X500Principal issuer, BigInteger serial) {
        return recent.get().certificates.contains(certificateKey(issuer, serial));
    }

    /** True when every certificate of this device has been revoked. */
    public boolean isRevoked(MacAddress mac) {
        return recent.get().macs.contains(mac.value());
    }

    public List<Entry> entries() {
        return current().state.entries();
    }

    /**
     * Revokes the certificate with {@code serial} issued by {@code issuer}.
     *
     * @return false when it was already revoked (nothing changes)
     */
    synchronized boolean revokeCertificate(X500Principal issuer, BigInteger serial, Reason reason, Instant now) {
        if (current().certificates.contains(certificateKey(issuer, serial))) {
            return false;
        }
        append(new Entry(serial.toString(16), issuer.getName(), null, reason, now));
        return true;
    }

    /**
     * Revokes a device by MAC.
     *
     * @return false when it was already revoked (nothing changes)
     */
    synchronized boolean revokeMac(MacAddress mac, Reason reason, Instant now) {
        if (current().macs.contains(mac.value())) {
            return false;
        }
        append(new Entry(null, null, mac.value(), reason, now));
        return true;
    }

    /** The next CRL number, which {@link HubPki#publishCrl()} consumes. */
    synchronized BigInteger nextCrlNumber() {
        State state = current().state;
        BigInteger next = state.crlNumber().add(BigInteger.ONE);
        JsonFiles.write(file, new State(next, state.entries()));
        return next;
    }

    private void append(Entry entry) {
        State state = current().state;
        List<Entry> entries = new ArrayList<>(state.entries());
        entries.add(entry);
        JsonFiles.write(file, new State(state.crlNumber(), entries));
    }

    private Snapshot current() {
        Object version = JsonFiles.version(file);
        Loaded seen = loaded.get();
        if (version == null || version.equals(seen.version())) {
            return seen.snapshot();
        }
        // Two threads seeing the change may both parse it; one result is kept, both are the file's.
        State state = JsonFiles.read(file, State.class, null);
        Loaded fresh = new Loaded(version, new Snapshot(state == null ? new State(BigInteger.ZERO, List.of()) : state));
        loaded.compareAndSet(seen, fresh);
        return fresh.snapshot();
    }

    private record Loaded(Object version, Snapshot snapshot) {
    }

    private static String certificateKey(X500Principal issuer, BigInteger serial) {
        return issuer.getName(X500Principal.CANONICAL) + "#" + serial.toString(16);
    }

    /**
     * One revocation: a certificate ({@code serial} in hex and {@code issuer}) or a device ({@code mac}).
     */
    public record Entry(String serial, String issuer, String mac, Reason reason, Instant revokedAt) {
        public boolean isCertificate() {
            return serial != null;
        }
    }

    record State(BigInteger crlNumber, List<Entry> entries) {
        State {
            crlNumber = crlNumber == null ? BigInteger.ZERO : crlNumber;
            entries = entries == null ? List.of() : List.copyOf(entries);
        }
    }

    private static final class Snapshot {
        final State state;
        final Set<String> certificates = new HashSet<>();
        final Set<String> macs = new HashSet<>();

        Snapshot(State state) {
            this.state = state;
            for (Entry entry : state.entries()) {
                if (entry.isCertificate()) {
                    certificates.add(certificateKey(new X500Principal(entry.issuer()), new BigInteger(entry.serial(), 16)));
                } else if (entry.mac() != null) {
                    macs.add(entry.mac());
                }
            }
        }
    }
}
