package io.hub.provisioning.devices;

import io.hub.pki.MacAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A bulk import checked line by line against the file itself and the database, before anything is
 * written. An {@code update} line describes the whole device: its blank columns clear those fields;
 * the SIP password, state and enrollment date are kept. A {@code certificateSha256} binds that
 * certificate to the device (a blank one leaves an update's binding as it is: unbinding is an
 * explicit act, {@code DELETE /admin/v1/devices/{mac}/certificate}).
 */
final class ImportPlan {

    private final List<Device> creates = new ArrayList<>();
    private final List<Device> updates = new ArrayList<>();
    private final List<MacAddress> deletes = new ArrayList<>();
    private final Map<MacAddress, String> bindings = new java.util.LinkedHashMap<>();
    private final List<ImportReport.LineError> errors = new ArrayList<>();
    private final List<String> ownedElsewhere = new ArrayList<>();
    private int errorCount;
    private final int lines;

    private ImportPlan(int lines) {
        this.lines = lines;
    }

    /** The MACs of the file that another tenant owns, each with that tenant: for the operator's audit only. */
    List<String> ownedElsewhere() {
        return ownedElsewhere;
    }

    /**
     * @param owners every enrolled MAC with its tenant
     * @param extensions the tenant's extensions in use, with the MAC holding each
     * @param boundFingerprints every bound certificate fingerprint, with the MAC it is bound to
     */
    static ImportPlan build(List<CsvDevices.Line> lines, String tenant, DeviceRules rules, Map<String, String> owners,
            Map<String, String> extensions, Map<String, String> boundFingerprints, Instant now,
            Supplier<String> passwords) {
        ImportPlan plan = new ImportPlan(lines.size());
        Map<String, Integer> seen = new HashMap<>();
        Map<String, String> extensionHolders = new HashMap<>(extensions);
        Map<String, String> extensionOf = new HashMap<>();
        extensions.forEach((extension, mac) -> extensionOf.put(mac, extension));
        Map<String, Integer> extensionLine = new HashMap<>();
        Map<String, String> fingerprintHolders = new HashMap<>(boundFingerprints);
        Map<String, Integer> fingerprintLine = new HashMap<>();
        for (CsvDevices.Line line : lines) {
            if (line.problem() != null) {
                plan.error(line, line.problem());
                continue;
            }
            List<String> problems = new ArrayList<>();
            String action = line.get("action") == null ? null : line.get("action").toLowerCase(Locale.ROOT);
            MacAddress mac = rules.mac(line.get("macaddress"), problems::add);
            if (action == null || !List.of("create", "update", "delete").contains(action)) {
                problems.add("action '" + line.get("action") + "' is not create, update or delete");
                action = null;
            }
            if (mac != null) {
                Integer earlier = seen.putIfAbsent(mac.value(), line.number());
                if (earlier != null) {
                    problems.add("macAddress " + mac + " already appears on line " + earlier);
                } else if (action != null) {
                    String owner = owners.get(mac.value());
                    if (owner != null && !owner.equals(tenant)) {
                        // Worded as for any MAC this tenant cannot have: whose it is stays the operator's to see.
                        plan.ownedElsewhere.add(mac + " (tenant " + owner + ")");
                        problems.add("create".equals(action) ? "device " + mac + " cannot be enrolled (mac-unavailable)"
                                : "device " + mac + " is not enrolled");
                    } else if ("create".equals(action) && owner != null) {
                        problems.add("device " + mac + " is already enrolled (use update)");
                    } else if (!"create".equals(action) && owner == null) {
                        problems.add("device " + mac + " is not enrolled");
                    }
                }
            }
            if ("delete".equals(action)) {
                if (problems.isEmpty()) {
                    extensionHolders.remove(extensionOf.remove(mac.value()));
                    fingerprintHolders.values().removeIf(mac.value()::equals);
                    plan.deletes.add(mac);
                } else {
                    plan.error(line, String.join("; ", problems));
                }
                continue;
            }
            String model = rules.model(line.get("devicetype"), problems::add);
            String extension = rules.extension(line.get("extension"), problems::add);
            String displayName = rules.text("displayName", line.get("displayname"), 200, problems::add);
            String site = rules.text("site", line.get("site"), 100, problems::add);
            String region = rules.region(line.get("region"), problems::add);
            String fingerprint = rules.fingerprint(line.get("certificatesha256"), problems::add);
            if (fingerprint != null && mac != null) {
                String holder = fingerprintHolders.get(fingerprint);
                if (holder != null && !holder.equals(mac.value())) {
                    Integer holderLine = fingerprintLine.get(fingerprint);
                    problems.add("certificateSha256 " + fingerprint + " is already bound to "
                            + (holderLine == null ? "another device" : holder + " (line " + holderLine + ")"));
                }
            }
            if (extension != null && mac != null) {
                String holder = extensionHolders.get(extension);
                if (holder != null && !holder.equals(mac.value())) {
                    Integer holderLine = extensionLine.get(extension);
                    problems.add("extension " + extension + " is already used by " + holder
                            + (holderLine == null ? "" : " (line " + holderLine + ")"));
                }
            }
            if (!problems.isEmpty()) {
                plan.error(line, String.join("; ", problems));
                continue;
            }
            extensionHolders.remove(extensionOf.remove(mac.value()));
            if (extension != null) {
                extensionHolders.put(extension, mac.value());
                extensionOf.put(mac.value(), extension);
                extensionLine.put(extension, line.number());
            }
            if (fingerprint != null) {
                fingerprintHolders.values().removeIf(mac.value()::equals);
                fingerprintHolders.put(fingerprint, mac.value());
                fingerprintLine.put(fingerprint, line.number());
                plan.bindings.put(mac, fingerprint);
            }
            Device device = new Device(mac, tenant, model, extension, displayName, site, region, DeviceState.ENABLED,
                    "create".equals(action) ? passwords.get() : null, now, now);
            ("create".equals(action) ? plan.creates : plan.updates).add(device);
        }
        return plan;
    }

    private void error(CsvDevices.Line line, String reason) {
        // A file of millions of bad lines must not become millions of error objects and a report
        // of gigabytes: the first ones tell what is wrong, the count tells how much.
        errorCount++;
        if (errors.size() < ImportReport.MAX_REPORTED_ERRORS) {
            errors.add(new ImportReport.LineError(line.number(), reason));
        }
    }

    /** Every bad line, reported or not. */
    int errorCount() {
        return errorCount;
    }

    List<Device> creates() {
        return creates;
    }

    List<Device> updates() {
        return updates;
    }

    List<MacAddress> deletes() {
        return deletes;
    }

    /** The certificates to bind once the lines are stored, by device. */
    Map<MacAddress, String> bindings() {
        return bindings;
    }

    int boundCount() {
        return bindings.size();
    }

    List<ImportReport.LineError> errors() {
        return errors;
    }

    ImportReport report(boolean applied) {
        return new ImportReport(applied, lines, creates.size(), updates.size(), deletes.size(), errors, errorCount);
    }
}
