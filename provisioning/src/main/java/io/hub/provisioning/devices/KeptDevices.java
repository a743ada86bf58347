package io.hub.provisioning.devices;

import io.hub.pki.MacAddress;
import io.hub.provisioning.changes.ConfigChanges;
import io.hub.provisioning.changes.KeptUntilChanged;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Enrolled devices' rows kept in memory until a change to them commits ({@link KeptUntilChanged}), for
 * each reader on a phone's way in: the device port by the MAC its certificate names, and the SIP side
 * by a tenant's extension. A phone registers moments after it fetched its configuration, so the row the
 * fetch read serves its first REGISTER too; in a boot storm the registrar read every phone's row again.
 */
public final class KeptDevices {

    /** Devices kept at most; past it the least used are evicted (the gauge {@value #GAUGE} shows the size). */
    public static final int MAX_KEPT = 100_000;
    /** The gauge of the devices kept. */
    public static final String GAUGE = "hub.device.devices.kept";
    /** Kept at most this long even when no change is heard (a notice another node could not send). */
    public static final Duration MAX_AGE = Duration.ofMinutes(10);

    private final KeptUntilChanged<MacAddress, Device> kept;
    /** Which MAC held a tenant's extension when its row was last read: a hint, checked against the row. */
    private final Map<String, MacAddress> holders = new ConcurrentHashMap<>();

    public KeptDevices(ConfigChanges changes, Clock clock, MeterRegistry metrics) {
        this.kept = new KeptUntilChanged<>(changes, GAUGE, "enrolled devices kept in memory, dropped by every change "
                + "to them", MAX_KEPT, MAX_AGE, clock, metrics,
                (change, device) -> change.reaches(device.mac().value(), device.tenant(), device.site(), device.model()),
                change -> MacAddress.parse(change.name()));
    }

    /**
     * The kept row of {@code mac}, or what {@code load} reads (null for an unknown MAC, which is never
     * kept), kept when no change was announced while it was read.
     */
    public Device get(MacAddress mac, Supplier<Device> load) {
        return kept.get(mac, () -> {
            Device device = load.get();
            if (device != null && device.extension() != null) {
                if (holders.size() >= MAX_KEPT) {
                    holders.clear();
                }
                holders.put(holder(device.tenant(), device.extension()), device.mac());
            }
            return device;
        });
    }

    /** The kept row of {@code mac}, or null. */
    public Device kept(MacAddress mac) {
        return kept.kept(mac);
    }

    /** The kept row of the tenant's device that holds {@code extension} now, or null when none is kept. */
    public Device holding(String tenant, String extension) {
        MacAddress mac = holders.get(holder(tenant, extension));
        Device device = mac == null ? null : kept.kept(mac);
        // The hint may be old: the extension may since have moved to another device, whose change dropped this row
        // or left it naming another extension.
        return device != null && tenant.equals(device.tenant()) && extension.equals(device.extension()) ? device : null;
    }

    private static String holder(String tenant, String extension) {
        return tenant + "\n" + extension;
    }
}
