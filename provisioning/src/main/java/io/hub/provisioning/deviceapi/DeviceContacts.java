package io.hub.provisioning.deviceapi;

import io.hub.pki.MacAddress;
import io.hub.provisioning.devices.DeviceContact;
import io.hub.provisioning.devices.DeviceRepository;
import io.hub.provisioning.storage.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/** Writes a phone's fetches and status reports to its status history, a repeated fetch at most once a minute. */
final class DeviceContacts {

    /** A repeated discovery, configuration or firmware fetch is written to the history at most this often. */
    static final Duration CONTACT_EVERY = Duration.ofSeconds(60);
    private static final int MAX_REMEMBERED = 100_000;

    private final Database database;
    private final DeviceRepository devices;
    private final Clock clock;
    private final Map<String, Instant> lastContacts = new ConcurrentHashMap<>();

    DeviceContacts(Database database, DeviceRepository devices, Clock clock) {
        this.database = database;
        this.devices = devices;
        this.clock = clock;
    }

    /**
     * Records a contact of {@code kind}; a status report is always written, a fetch only when the
     * same one from the same place is not in the history of the last {@link #CONTACT_EVERY}.
     */
    void record(MacAddress mac, String kind, Request request, String sourceIp, StatusReport report) {
        record(mac, kind, request, sourceIp, report, null);
    }

    /**
     * As {@link #record(MacAddress, String, Request, String, StatusReport)}, with {@code alongside}
     * (when not null, such as the request's audit row) in the same transaction. Both are history no
     * answer depends on, so they are {@linkplain Database#writeBehind written behind}: the phone does
     * not wait for their commit, and in a boot storm one commit carries many phones' rows.
     */
    void record(MacAddress mac, String kind, Request request, String sourceIp, StatusReport report,
            Database.SqlWork<Void> alongside) {
        DeviceContact contact = due(mac, kind, request, sourceIp, report);
        if (contact == null && alongside == null) {
            return;
        }
        database.writeBehind(connection -> {
            if (contact != null) {
                devices.recordContact(connection, mac, contact);
            }
            return alongside == null ? null : alongside.run(connection);
        });
    }

    /** The contact to write now, or null when the same fetch from the same place was written moments ago. */
    private DeviceContact due(MacAddress mac, String kind, Request request, String sourceIp, StatusReport report) {
        Instant now = clock.instant();
        String key = mac.value() + "/" + kind + "/" + sourceIp;
        Instant previous = report == null ? lastContacts.get(key) : null;
        if (previous != null && previous.plus(CONTACT_EVERY).isAfter(now)) {
            // The same fetch from the same place moments ago is already in the history; a commit
            // per request (H2 syncs each one) would cap the fetch rate at the disk's.
            return null;
        }
        if (lastContacts.size() > MAX_REMEMBERED) {
            lastContacts.clear();
        }
        lastContacts.put(key, now);
        String userAgent = request.getHeaders().get(HttpHeader.USER_AGENT);
        return report == null
                ? new DeviceContact(now, kind, sourceIp, userAgent, null, null, null, null, null)
                : new DeviceContact(now, kind, sourceIp, userAgent, report.firmware(), report.ip(),
                        report.dhcp43(), report.dhcp66(), report.dhcp67());
    }
}
