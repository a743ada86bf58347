package io.hub.provisioning.devices;

import io.hub.pki.MacAddress;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.audit.AuditEvent;
import io.hub.provisioning.audit.AuditLog;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.storage.Database;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Binding certificates to devices, as Yealink RPS and Poly ZTP do with registered fingerprints: an
 * admin names the certificate a phone will present (at enrollment, or by approving the one the hub
 * saw first), and from then on that certificate, and only that one, gets the phone's configuration.
 *
 * <p>The rules, judged on every request of the device side ({@link #judge}):
 * <ul>
 * <li>A device with a bound fingerprint is served only to that certificate (pinning), whatever CA
 *     issued the others; any other is refused {@code certificate-mismatch}.</li>
 * <li>A MAC-attesting certificate of a device with nothing bound is served: its MAC proves itself.</li>
 * <li>A generic-CA certificate of a device with nothing bound is never served. The first one seen is
 *     recorded as pending (with when and from where) and refused {@code certificate-pending}; while
 *     it waits, every other certificate is refused {@code certificate-pending} too and stays
 *     unrecorded, so a later request cannot displace the one an admin may be checking. An admin
 *     approves it, binds another fingerprint they verified, or clears it
 *     ({@code DELETE …/certificate}) so that the next one seen waits instead.</li>
 * <li>A certificate bound to one device never waits for, nor serves, another:
 *     {@code certificate-mismatch}.</li>
 * </ul>
 */
public final class CertificateBindings {

    /** What a request's certificate may do with a device; every refusal has its reason code. */
    public enum Verdict {
        SERVED(null, null),
        PENDING_RECORDED(Refusal.CERTIFICATE_PENDING, Messages.PENDING),
        PENDING(Refusal.CERTIFICATE_PENDING, Messages.PENDING),
        ANOTHER_PENDING(Refusal.CERTIFICATE_PENDING, Messages.PENDING),
        MISMATCH(Refusal.CERTIFICATE_MISMATCH, Messages.MISMATCH),
        BOUND_ELSEWHERE(Refusal.CERTIFICATE_MISMATCH, Messages.MISMATCH);

        private final Refusal refusal;
        private final String message;

        Verdict(Refusal refusal, String message) {
            this.refusal = refusal;
            this.message = message;
        }

        /** The refusal's cause; null for {@link #SERVED}. */
        public Refusal refusal() {
            return refusal;
        }

        /** What the phone is told (the audit detail says more); null for {@link #SERVED}. */
        public String message() {
            return message;
        }
    }

    private static final class Messages {
        static final String PENDING = "this device serves a generic-CA certificate only once an admin has approved it";
        static final String MISMATCH = "this certificate is not the one bound to this device";
    }

    /** A verdict with the sentence for the audit log. */
    public record Judgement(Verdict verdict, String detail) {
        public boolean served() {
            return verdict == Verdict.SERVED;
        }
    }

    private final Database database;
    private final DeviceRepository devices;
    private final AuditLog audit;
    private final Clock clock;

    public CertificateBindings(Database database, DeviceRepository devices, AuditLog audit, Clock clock) {
        this.database = database;
        this.devices = devices;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * True when {@link #judge} serves the certificate without reading the database: it is the one
     * bound to the device, or, with none bound, its CA vouches for the MAC.
     */
    public boolean servesWithoutLookup(Device device, String fingerprint, boolean macAttested) {
        String bound = device.certificate().bound();
        return bound != null ? bound.equals(fingerprint) : macAttested;
    }

    /**
     * Judges a validated certificate for {@code device}, recording it as pending when it is the
     * first generic one seen.
     *
     * @param macAttested true when the certificate's CA vouches for the MAC
     */
    public Judgement judge(Device device, String fingerprint, boolean macAttested, String sourceIp) {
        CertificateBinding binding = device.certificate();
        if (binding.bound() != null) {
            return binding.bound().equals(fingerprint) ? new Judgement(Verdict.SERVED, null)
                    : new Judgement(Verdict.MISMATCH, "certificate " + fingerprint + " is not the one bound to "
                            + device.mac() + " (" + binding.bound() + ")");
        }
        if (macAttested) {
            return new Judgement(Verdict.SERVED, null);
        }
        return database.transaction(connection -> {
            Optional<MacAddress> elsewhere = devices.boundTo(connection, fingerprint);
            if (elsewhere.isPresent()) {
                return new Judgement(Verdict.BOUND_ELSEWHERE, "certificate " + fingerprint
                        + " is bound to another device");
            }
            Instant now = clock.instant();
            if (binding.pending() == null
                    && devices.recordPending(connection, device.mac(), fingerprint, now, sourceIp)) {
                return new Judgement(Verdict.PENDING_RECORDED, "generic-CA certificate " + fingerprint
                        + " recorded as pending for " + device.mac() + "; an admin approves it with POST "
                        + "/admin/v1/devices/" + device.mac() + "/certificate or hub device approve");
            }
            CertificateBinding current = devices.find(connection, device.mac()).map(Device::certificate)
                    .orElse(binding);
            if (fingerprint.equals(current.pending())) {
                return new Judgement(Verdict.PENDING, "generic-CA certificate " + fingerprint
                        + " waits for approval since " + current.pendingSince());
            }
            return new Judgement(Verdict.ANOTHER_PENDING, "generic-CA certificate " + fingerprint + " refused: "
                    + current.pending() + " is pending since " + current.pendingSince() + " from "
                    + current.pendingSourceIp());
        });
    }

    /**
     * Binds a certificate to the tenant's device, replacing whatever was bound or pending.
     *
     * @param fingerprintText the fingerprint, in hex or colon-separated pairs
     * @throws ProvisioningException 400 {@code invalid-fingerprint}, 404 {@code not-found}, 409
     *     {@code certificate-in-use} when it is bound to another device
     */
    public Device bind(String tenant, MacAddress mac, String fingerprintText, String actor, String sourceIp) {
        String fingerprint;
        try {
            fingerprint = CertificateBinding.parseFingerprint(fingerprintText);
        } catch (IllegalArgumentException e) {
            audit.record(actor, sourceIp, "certificate-bind", AuditEvent.REFUSED, "invalid-fingerprint", mac.value(),
                    null, e.getMessage());
            throw new ProvisioningException(Refusal.INVALID_FINGERPRINT, e.getMessage());
        }
        return database.transaction(connection -> {
            Device device = owned(connection, tenant, mac);
            Optional<MacAddress> holder = devices.boundTo(connection, fingerprint);
            if (holder.isPresent() && !holder.get().equals(mac)) {
                audit.record(actor, sourceIp, "certificate-bind", AuditEvent.REFUSED, "certificate-in-use",
                        mac.value(), fingerprint, "bound to another device");
                throw new ProvisioningException(Refusal.CERTIFICATE_IN_USE,
                        "certificate " + fingerprint + " is bound to another device; unbind it there first");
            }
            CertificateBinding before = device.certificate();
            devices.bind(connection, mac, fingerprint, clock.instant());
            audit.record(connection, actor, sourceIp, "certificate-bind", AuditEvent.OK, null, mac.value(),
                    fingerprint, fingerprint.equals(before.pending())
                            ? "approved the pending certificate first seen " + before.pendingSince() + " from "
                                    + before.pendingSourceIp()
                            : "bound" + (before.bound() == null ? "" : "; was " + before.bound())
                                    + (before.pending() == null ? "" : "; pending " + before.pending() + " discarded"));
            return devices.find(connection, mac).orElseThrow();
        });
    }

    /**
     * Forgets the tenant's device's bound and pending certificates.
     *
     * @throws ProvisioningException 404 {@code not-found}
     */
    public void unbind(String tenant, MacAddress mac, String actor, String sourceIp) {
        database.transaction(connection -> {
            CertificateBinding before = owned(connection, tenant, mac).certificate();
            devices.unbind(connection, mac, clock.instant());
            audit.record(connection, actor, sourceIp, "certificate-unbind", AuditEvent.OK, null, mac.value(),
                    before.bound(), "was bound: " + (before.bound() == null ? "none" : before.bound())
                            + "; pending: " + (before.pending() == null ? "none" : before.pending()));
            return null;
        });
    }

    private Device owned(java.sql.Connection connection, String tenant, MacAddress mac) throws java.sql.SQLException {
        return devices.find(connection, mac).filter(device -> device.tenant().equals(tenant))
                .orElseThrow(() -> new ProvisioningException(Refusal.NOT_FOUND, "no device " + mac));
    }
}
