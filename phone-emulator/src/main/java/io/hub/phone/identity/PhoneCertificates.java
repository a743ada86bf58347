package io.hub.phone.identity;

import io.hub.pki.CertificateAuthority;
import io.hub.pki.DeviceCertificateRequest;
import io.hub.pki.DeviceCertificates;
import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * Where emulated phones get their factory certificates: from a directory of earlier ones
 * ({@code DIR/<mac>/cert.pem} and {@code key.pem}, as {@code hub pki device-cert} writes them), or
 * made on the spot by the development manufacturer CA of a hub's PKI. Made ones are written to the
 * directory when there is one, so the next run reuses them.
 */
public final class PhoneCertificates {

    private final Optional<Path> directory;
    private final HubPki pki;
    private final Clock clock;
    private CertificateAuthority manufacturer;

    /**
     * @param directory certificates to reuse and keep, if any
     * @param pki the PKI whose development manufacturer CA makes missing ones; null when every
     *     certificate must come from {@code directory}
     */
    public PhoneCertificates(Optional<Path> directory, HubPki pki, Clock clock) {
        this.directory = directory;
        this.pki = pki;
        this.clock = clock;
    }

    /** The development manufacturer CA, read once. */
    private synchronized CertificateAuthority manufacturer() {
        if (manufacturer == null) {
            manufacturer = pki.devManufacturerCa();
        }
        return manufacturer;
    }

    /** What getting a certificate did, for the boot's first step. */
    public record Obtained(PhoneIdentity identity, String how) {
    }

    /**
     * The phone's identity: loaded, or issued.
     *
     * @throws IllegalArgumentException when neither is possible, naming why
     */
    public Obtained obtain(MacAddress mac, String model) {
        Optional<Path> own = directory.map(d -> d.resolve(mac.value()));
        if (own.isPresent() && Files.exists(own.get().resolve("cert.pem")) && Files.exists(own.get().resolve("key.pem"))) {
            return new Obtained(new PhoneIdentity(mac, model, PemFiles.readCertificate(own.get().resolve("cert.pem")),
                    PemFiles.readPrivateKey(own.get().resolve("key.pem"))), "loaded from " + own.get());
        }
        if (pki == null) {
            throw new IllegalArgumentException("no certificate for " + mac + " in "
                    + directory.map(Path::toString).orElse("(no directory)") + " and no hub PKI to make one");
        }
        if (!pki.isInitialised()) {
            throw new IllegalArgumentException("the PKI in " + pki.directory()
                    + " is not initialised (hub pki init, or start the hub once)");
        }
        DeviceCertificateRequest request = DeviceCertificateRequest.of(mac, model);
        if (own.isPresent()) {
            DeviceCertificates.IssuedCertificate issued = pki.issueDeviceCertificate(request, own.get(), true);
            return new Obtained(new PhoneIdentity(mac, model, issued.certificate(), issued.keys().getPrivate()),
                    "issued by the development manufacturer CA, kept in " + own.get());
        }
        DeviceCertificates.IssuedCertificate issued = DeviceCertificates.issue(manufacturer(), request, clock);
        return new Obtained(new PhoneIdentity(mac, model, issued.certificate(), issued.keys().getPrivate()),
                "issued by the development manufacturer CA");
    }
}
