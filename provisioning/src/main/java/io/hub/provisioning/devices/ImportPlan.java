package io.hub.provisioning.devices;

import io.hub.pki.MacAddress;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A bulk import checked line by line against the file itself and the database, before anything is
 * written. An {@code update} line changes only the columns it fills: a blank cell (or an absent
 * column) keeps the device's current value, the marker {@code -} clears a field that may be empty
 * (extension, displayName, site); {@code -} in a column that cannot be empty (deviceType, region,
 * certificateSha256) is an error of that line. The SIP password, state and enrollment date are kept.
 * A {@code certificateSha256} binds that certificate to the device (unbinding is an explicit act,
 * {@code DELETE /admin/v1/devices/{mac}/certificate}).
 */
final class ImportPlan {

    /** The cell that clears a field in an update line (a blank cell keeps it). */
    static final String CLEAR = "-";

    /** The device as stored, for the columns an update line leaves blank. */
    @FunctionalInterface
    interface CurrentDevices {
        Optional<Device> find(MacAddress mac) throws SQLException;
    }

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
     * @param current the tenant's stored devices, for the cells an update line leaves blank
     */
    static ImportPlan build(List<CsvDevices.Line> lines, String tenant, DeviceRules rules, Map<String, String> owners,
            Map<String, String> extensions, Map<String, String> boundFingerprints, CurrentDevices current,
            Instant now, Supplier<String> passwords) throws SQLException {
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
            Device before = "update".equals(action) && problems.isEmpty() ? current.find(mac).orElse(null) : null;
            Cells cells = new Cells(line, before, problems);
            String model = cells.required("devicetype", "deviceType", Device::model,
                    text -> rules.model(text, problems::add));
            String extension = cells.clearable("extension", Device::extension,
                    text -> rules.extension(text, problems::add));
            String displayName = cells.clearable("displayname", Device::displayName,
                    text -> rules.text("displayName", text, 200, problems::add));
            String site = cells.clearable("site", Device::site, text -> rules.text("site", text, 100, problems::add));
            String region = cells.required("region", "region", Device::region,
                    text -> rules.region(text, problems::add));
            // A blank certificate cell binds nothing (an update keeps its binding); unbinding is not a CSV act.
            String fingerprint = cells.required("certificatesha256", "certificateSha256", device -> null,
                    text -> rules.fingerprint(text, problems::add));
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

    /**
     * The cells of one create or update line. A blank cell is the current value in an update and
     * absent in a create; {@code -} clears a field that may be empty and is a problem elsewhere.
     */
    private record Cells(CsvDevices.Line line, Device before, List<String> problems) {

        String clearable(String column, java.util.function.Function<Device, String> currentValue,
                java.util.function.Function<String, String> check) {
            String cell = line.get(column);
            if (cell == null) {
                return before == null ? check.apply(null) : currentValue.apply(before);
            }
            return CLEAR.equals(cell) ? null : check.apply(cell);
        }

        String required(String column, String name, java.util.function.Function<Device, String> currentValue,
                java.util.function.Function<String, String> check) {
            String cell = line.get(column);
            if (CLEAR.equals(cell)) {
                problems.add(name + " cannot be cleared ('" + CLEAR + "'): it cannot be empty");
                return null;
            }
            if (cell == null && before != null) {
                return currentValue.apply(before);
            }
            return check.apply(cell);
        }
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
