package io.hub.provisioning.devices;

import io.hub.pki.MacAddress;
import io.hub.profiles.PhoneCatalogue;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.audit.AuditEvent;
import io.hub.provisioning.audit.AuditLog;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.settings.SettingLayers;
import io.hub.provisioning.storage.Database;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enrolling, changing and removing a tenant's devices, one at a time or by bulk import. Every
 * change is checked against the same rules and audited in the same transaction.
 */
public final class Enrollment {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger LOG = LoggerFactory.getLogger(Enrollment.class);

    private final Database database;
    private final DeviceRepository devices;
    private final ClaimableRepository claimable;
    private final AuditLog audit;
    private final DeviceRules rules;
    private final SettingLayers layers;
    private final Clock clock;
    private final ImportJournal journal;
    private final List<Consumer<DeviceChange>> listeners = new CopyOnWriteArrayList<>();

    public Enrollment(Database database, DeviceRepository devices, ClaimableRepository claimable, AuditLog audit,
            SettingLayers layers, PhoneCatalogue catalogue, Clock clock) {
        this.database = database;
        this.devices = devices;
        this.claimable = claimable;
        this.audit = audit;
        this.layers = layers;
        this.rules = new DeviceRules(catalogue);
        this.clock = clock;
        this.journal = new ImportJournal(database);
    }

    /**
     * Enrolls one device for {@code tenant}.
     *
     * @throws ProvisioningException 400 {@code invalid-device} for a bad field, 409
     *     {@code already-enrolled}, or {@code mac-unavailable} when another tenant has it (the reason is
     *     audited for the operator only), 409 {@code extension-in-use}
     */
    public Device enroll(String tenant, DeviceDraft draft, String actor, String sourceIp) {
        List<String> problems = new ArrayList<>();
        MacAddress mac = rules.mac(draft.mac(), problems::add);
        String model = rules.model(draft.model(), problems::add);
        String extension = rules.extension(draft.extension(), problems::add);
        String displayName = rules.text("displayName", draft.displayName(), 200, problems::add);
        String site = rules.text("site", draft.site(), 100, problems::add);
        String region = rules.region(draft.region(), problems::add);
        String fingerprint = rules.fingerprint(draft.certificateSha256(), problems::add);
        rejectIfAny(problems, actor, sourceIp, "enroll", draft.mac());
        if (draft.settings() != null) {
            SettingLayers.check(draft.settings());
        }
        Instant now = clock.instant();
        Device device = new Device(mac, tenant, model, extension, displayName, site, region, DeviceState.ENABLED,
                newPassword(), now, now, fingerprint == null ? CertificateBinding.NONE
                        : CertificateBinding.boundTo(fingerprint));
        return database.transaction(connection -> {
            Optional<Device> existing = devices.find(connection, mac);
            if (existing.isPresent() && existing.get().tenant().equals(tenant)) {
                throw refuse(actor, sourceIp, "enroll", mac,
                        new ProvisioningException(Refusal.ALREADY_ENROLLED, "device " + mac + " is already enrolled"));
            }
            if (existing.isPresent()) {
                // The tenant learns only that it cannot have this MAC; the operator's audit row says whose it is.
                ProvisioningException unavailable = new ProvisioningException(Refusal.MAC_UNAVAILABLE,
                        "device " + mac + " cannot be enrolled");
                audit.recordForOperator(null, actor, sourceIp, "enroll", AuditEvent.REFUSED, "owned-by-another-tenant",
                        mac.value(), "device " + mac + " belongs to tenant " + existing.get().tenant());
                throw refuse(actor, sourceIp, "enroll", mac, unavailable);
            }
            requireFreeExtension(connection, tenant, mac, extension, actor, sourceIp, "enroll");
            if (fingerprint != null && devices.boundTo(connection, fingerprint).isPresent()) {
                throw refuse(actor, sourceIp, "enroll", mac, new ProvisioningException(Refusal.CERTIFICATE_IN_USE,
                        "certificate " + fingerprint + " is bound to another device; unbind it there first"));
            }
            devices.insert(connection, List.of(device));
            if (draft.settings() != null) {
                layers.replaceDevice(connection, mac, draft.settings());
            }
            claimable.remove(connection, List.of(mac));
            audit.record(connection, actor, sourceIp, "enroll", AuditEvent.OK, null, mac.value(), null,
                    "model=" + model + " extension=" + extension
                            + (fingerprint == null ? "" : " certificateSha256=" + fingerprint));
            return device;
        });
    }

    /** Changes to devices are announced to these once committed: SIP follows a disable or a delete at once. */
    public void onChange(Consumer<DeviceChange> listener) {
        listeners.add(listener);
    }

    /** The tenant's device; another tenant's device is as absent as a missing one (404 {@code not-found}). */
    public Device find(String tenant, MacAddress mac) {
        return database.transaction(connection -> devices.find(connection, mac))
                .filter(device -> device.tenant().equals(tenant))
                .orElseThrow(() -> new ProvisioningException(Refusal.NOT_FOUND, "no device " + mac));
    }

    /**
     * The tenant's device that registers as {@code extension}, for the SIP side: an extension is
     * unique within a tenant, whose SIP domain tells the tenants apart.
     */
    public Optional<Device> byExtension(String tenant, String extension) {
        return database.transaction(connection -> devices.byExtension(connection, tenant, extension));
    }

    /** The MACs of the tenant's devices holding these extensions, by extension, in one query. */
    public Map<String, MacAddress> macsByExtension(String tenant, java.util.Collection<String> extensions) {
        return database.transaction(connection -> devices.macsByExtension(connection, tenant, extensions));
    }

    public List<DeviceContact> contacts(MacAddress mac, int limit) {
        database.awaitWritesBehind(); // contacts are written behind
        return database.transaction(connection -> devices.contacts(connection, mac, limit));
    }

    public List<Device> list(String tenant, String state, String site, String model, int page, int size) {
        List<String> problems = new ArrayList<>();
        DeviceState parsedState = rules.state(state, problems::add);
        String parsedModel = model == null ? null : rules.model(model, problems::add);
        if (!problems.isEmpty()) {
            throw new ProvisioningException(Refusal.INVALID_FILTER, String.join("; ", problems));
        }
        long offset = (long) page * size;
        if (offset > Integer.MAX_VALUE) {
            throw new ProvisioningException(Refusal.INVALID_PAGE, "page " + page + " of " + size
                    + " devices lies beyond the last device a list can reach");
        }
        return database.transaction(connection -> devices.list(connection, tenant, parsedState, site, parsedModel,
                (int) offset, size));
    }

    /**
     * Changes the fields {@code patch} names (null fields stay as they are).
     *
     * @throws ProvisioningException 404 {@code not-found}, 400 {@code invalid-device}, 409 {@code extension-in-use}
     */
    public Device update(String tenant, MacAddress mac, DeviceDraft patch, String actor, String sourceIp) {
        List<String> problems = new ArrayList<>();
        String model = patch.model() == null ? null : rules.model(patch.model(), problems::add);
        String extension = rules.extension(patch.extension(), problems::add);
        String displayName = rules.text("displayName", patch.displayName(), 200, problems::add);
        String site = rules.text("site", patch.site(), 100, problems::add);
        String region = patch.region() == null ? null : rules.region(patch.region(), problems::add);
        DeviceState state = rules.state(patch.state(), problems::add);
        if (patch.certificateSha256() != null) {
            problems.add("certificateSha256 is given at enrollment; bind or approve a certificate with POST "
                    + "/admin/v1/devices/" + mac + "/certificate");
        }
        rejectIfAny(problems, actor, sourceIp, "update", mac.value());
        if (patch.settings() != null) {
            SettingLayers.check(patch.settings());
        }
        DeviceChange change = database.transaction(connection -> {
            Device current = devices.find(connection, mac).filter(d -> d.tenant().equals(tenant))
                    .orElseThrow(() -> new ProvisioningException(Refusal.NOT_FOUND, "no device " + mac));
            DeviceState nextState = or(state, current.state());
            // Disabling rotates the SIP password: a copy of the old one must not outlive the disable.
            boolean disabling = current.state() == DeviceState.ENABLED && nextState == DeviceState.DISABLED;
            Device updated = new Device(mac, tenant, or(model, current.model()), or(extension, current.extension()),
                    or(displayName, current.displayName()), or(site, current.site()), or(region, current.region()),
                    nextState, disabling ? newPassword() : current.sipPassword(), current.createdAt(),
                    clock.instant(), current.certificate());
            requireFreeExtension(connection, tenant, mac, updated.extension(), actor, sourceIp, "update");
            devices.update(connection, List.of(updated), true);
            if (disabling) {
                devices.updatePassword(connection, mac, updated.sipPassword());
            }
            if (patch.settings() != null) {
                layers.replaceDevice(connection, mac, patch.settings());
            }
            audit.record(connection, actor, sourceIp, "update", AuditEvent.OK, null, mac.value(), null,
                    "state=" + updated.state().code() + " extension=" + updated.extension()
                            + (disabling ? " sipPassword=rotated" : ""));
            return new DeviceChange(current, updated);
        });
        announce(change);
        return change.after();
    }

    /** Removes a device; 404 {@code not-found} when the tenant has none with that MAC. */
    public void remove(String tenant, MacAddress mac, String actor, String sourceIp) {
        Device removed = database.transaction(connection -> {
            Device current = devices.find(connection, mac).filter(d -> d.tenant().equals(tenant))
                    .orElseThrow(() -> new ProvisioningException(Refusal.NOT_FOUND, "no device " + mac));
            devices.delete(connection, tenant, List.of(mac));
            audit.record(connection, actor, sourceIp, "remove", AuditEvent.OK, null, mac.value(), null, null);
            return current;
        });
        announce(new DeviceChange(removed, null));
    }

    /**
     * Gives the device a new random SIP password, which it learns at its next configuration fetch
     * (only a valid certificate gets that far): for a phone whose certificate or device was revoked,
     * so a copy of the old password stops working.
     *
     * @return false when no device has that MAC
     */
    public boolean rotateSipPassword(MacAddress mac, String actor, String why) {
        return database.transaction(connection -> {
            if (devices.find(connection, mac).isEmpty()) {
                return false;
            }
            devices.updatePassword(connection, mac, newPassword());
            audit.record(connection, actor, null, "rotate-sip-password", AuditEvent.OK, null, mac.value(), null, why);
            return true;
        });
    }

    /**
     * An admin's rotation of the tenant's device's SIP password: the new one is stored and the change
     * announced, so a registered phone is told to fetch it (check-sync) and registers with it.
     *
     * @throws ProvisioningException 404 {@code not-found} (also for another tenant's device)
     */
    public Device rotateSipPassword(String tenant, MacAddress mac, String actor, String sourceIp) {
        DeviceChange change = database.transaction(connection -> {
            Device current = devices.find(connection, mac).filter(d -> d.tenant().equals(tenant))
                    .orElseThrow(() -> new ProvisioningException(Refusal.NOT_FOUND, "no device " + mac));
            Device rotated = new Device(mac, tenant, current.model(), current.extension(), current.displayName(),
                    current.site(), current.region(), current.state(), newPassword(), current.createdAt(),
                    clock.instant(), current.certificate());
            devices.updatePassword(connection, mac, rotated.sipPassword());
            audit.record(connection, actor, sourceIp, "rotate-sip-password", AuditEvent.OK, null, mac.value(), null,
                    "by an admin");
            return new DeviceChange(current, rotated);
        });
        announce(change);
        return change.after();
    }

    private void announce(DeviceChange change) {
        for (Consumer<DeviceChange> listener : listeners) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                // The change is committed; a follower's failure must not turn it into an error.
                LOG.warn("device change not followed mac={}: {}", change.before().mac(), e.toString());
            }
        }
    }

    /**
     * Imports a CSV file (SPEC §5) all or nothing: every line is checked first, against the file and
     * the database; if any line is bad, nothing is stored and every bad line is reported. A dry run
     * checks and reports only.
     */
    public ImportReport importCsv(String tenant, byte[] csv, boolean dryRun, String actor, String sourceIp) {
        List<CsvDevices.Line> lines = CsvDevices.parse(csv);
        List<DeviceChange> changes = new ArrayList<>();
        String[] journalId = new String[1];
        ImportReport result;
        try {
            result = applyImport(tenant, lines, dryRun, actor, sourceIp, changes, journalId);
        } catch (RuntimeException e) {
            // Rolled back: nothing of it is committed, so there is nothing to undo, only the journal to drop.
            if (journalId[0] != null) {
                journal.forget(journalId[0]);
            }
            throw e;
        }
        if (journalId[0] != null) {
            // After the commit returned, never inside it (ImportJournal says why).
            journal.forget(journalId[0]);
        }
        changes.forEach(this::announce);
        return result;
    }

    private ImportReport applyImport(String tenant, List<CsvDevices.Line> lines, boolean dryRun, String actor,
            String sourceIp, List<DeviceChange> changes, String[] journalId) {
        return database.transaction(connection -> {
            ImportPlan plan = ImportPlan.build(lines, tenant, rules, devices.owners(connection),
                    devices.extensions(connection, tenant), devices.boundFingerprints(connection),
                    mac -> devices.find(connection, mac), clock.instant(), Enrollment::newPassword);
            if (!plan.errors().isEmpty() || dryRun) {
                ImportReport report = plan.report(false);
                if (!plan.ownedElsewhere().isEmpty()) {
                    audit.recordForOperator(connection, actor, sourceIp, "import", AuditEvent.REFUSED,
                            "owned-by-another-tenant", null, "owned by another tenant: "
                                    + String.join(", ", plan.ownedElsewhere()));
                }
                if (!plan.errors().isEmpty()) {
                    audit.record(connection, actor, sourceIp, "import", AuditEvent.REFUSED, "invalid-lines", null,
                            null, plan.errorCount() + " bad line(s) of " + lines.size() + "; first: line "
                                    + plan.errors().get(0).line() + ": " + plan.errors().get(0).reason());
                }
                return report;
            }
            changes.addAll(importChanges(connection, plan));
            // Committed on its own before this transaction writes anything (ImportJournal says why).
            journalId[0] = journal.begin(tenant, plan.creates().stream().map(Device::mac).toList(),
                    plan.updates().stream().map(Device::mac).toList(), plan.deletes(), clock.instant());
            devices.delete(connection, tenant, plan.deletes());
            devices.update(connection, plan.updates(), false);
            devices.insert(connection, plan.creates());
            for (Map.Entry<MacAddress, String> binding : plan.bindings().entrySet()) {
                devices.bind(connection, binding.getKey(), binding.getValue(), clock.instant());
            }
            claimable.remove(connection, plan.creates().stream().map(Device::mac).toList());
            audit.record(connection, actor, sourceIp, "import", AuditEvent.OK, null, null, null,
                    "created=" + plan.creates().size() + " updated=" + plan.updates().size() + " deleted="
                            + plan.deletes().size() + " certificates bound=" + plan.boundCount()
                            + ImportJournal.auditTag(journalId[0]));
            journal.markApplied(connection, journalId[0]);
            return plan.report(true);
        });
    }

    /** What an applied import changes that others follow: deleted devices and moved extensions. */
    private List<DeviceChange> importChanges(java.sql.Connection connection, ImportPlan plan)
            throws java.sql.SQLException {
        List<DeviceChange> changes = new ArrayList<>();
        for (MacAddress mac : plan.deletes()) {
            devices.find(connection, mac).ifPresent(before -> changes.add(new DeviceChange(before, null)));
        }
        for (Device update : plan.updates()) {
            devices.find(connection, update.mac()).filter(before -> !java.util.Objects.equals(before.extension(),
                    update.extension())).ifPresent(before -> changes.add(new DeviceChange(before, update)));
        }
        return changes;
    }

    private void requireFreeExtension(java.sql.Connection connection, String tenant, MacAddress mac, String extension,
            String actor, String sourceIp, String action) throws java.sql.SQLException {
        if (extension == null) {
            return;
        }
        String holder = devices.extensions(connection, tenant).get(extension);
        if (holder != null && !holder.equals(mac.value())) {
            throw refuse(actor, sourceIp, action, mac, new ProvisioningException(Refusal.EXTENSION_IN_USE,
                    "extension " + extension + " is already used by " + holder));
        }
    }

    private void rejectIfAny(List<String> problems, String actor, String sourceIp, String action, String mac) {
        if (!problems.isEmpty()) {
            String message = String.join("; ", problems);
            // A MAC that parses is the event's subject (its log line and audit column); one that does
            // not is kept, escaped, in the detail; none at all leaves the field out.
            String subject = mac == null ? null : MacAddress.tryParse(mac).map(MacAddress::value).orElse(null);
            audit.record(actor, sourceIp, action, AuditEvent.REFUSED, "invalid-device", subject, null,
                    mac == null || subject != null ? message : "mac '" + mac + "': " + message);
            throw new ProvisioningException(Refusal.INVALID_DEVICE, message);
        }
    }

    private ProvisioningException refuse(String actor, String sourceIp, String action, MacAddress mac,
            ProvisioningException refusal) {
        // Recorded outside the failing transaction, which rolls back.
        audit.record(actor, sourceIp, action, AuditEvent.REFUSED, refusal.reason(), mac.value(), null,
                refusal.getMessage());
        return refusal;
    }

    static String newPassword() {
        byte[] secret = new byte[18];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
