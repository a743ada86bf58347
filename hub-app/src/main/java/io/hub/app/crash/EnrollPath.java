package io.hub.app.crash;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Single enrollments from several admin clients at once: every enrollment answered 201 survives with
 * its audit row, and no device is left without its audit row.
 */
final class EnrollPath implements CrashPath {

    private static final int CLIENTS = 4;

    private final int count;

    /** @param count how many devices the workload enrolls, spread over the clients */
    EnrollPath(int count) {
        this.count = count;
    }

    private static String mac(int i) {
        return String.format("00809e%06x", i);
    }

    @Override
    public void seed(AdminHttps admin) {
        // Enrollment starts from an empty fleet.
    }

    @Override
    public Workload drive(AdminHttps admin) throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger next = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Thread client = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    String body = "{\"mac\":\"" + mac(i) + "\",\"model\":\"Myriad M7\",\"extension\":\""
                            + (200_000 + i) + "\"}";
                    try {
                        if (admin.send("POST", "/admin/v1/devices", "application/json",
                                HttpRequest.BodyPublishers.ofString(body)) == 201) {
                            acknowledged.add(mac(i));
                        }
                    } catch (java.io.IOException e) {
                        return; // the hub is gone
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, "enroll-client-" + c);
            client.start();
            clients.add(client);
        }
        for (Thread client : clients) {
            client.join();
        }
        return new AnsweredCreated(Set.copyOf(acknowledged), count, "enrollments");
    }

    @Override
    public Workload unacknowledged() {
        return new AnsweredCreated(Set.of(), count, "enrollments");
    }

    @Override
    public Outcome check(Connection database, Path home, Workload workload) throws SQLException {
        Set<String> devices = strings(database, "SELECT mac FROM device");
        Set<String> audited = strings(database,
                "SELECT mac FROM audit_event WHERE action = 'enroll' AND outcome = 'ok' AND mac IS NOT NULL");
        Set<String> acknowledged = ((AnsweredCreated) workload).keys();
        Set<String> lost = new HashSet<>(acknowledged);
        lost.removeAll(devices);
        Set<String> lostAudit = new HashSet<>(acknowledged);
        lostAudit.removeAll(audited);
        Set<String> unaudited = new HashSet<>(devices);
        unaudited.removeAll(audited);
        Set<String> auditWithout = new HashSet<>(audited);
        auditWithout.removeAll(devices);
        String survived = devices.size() + " devices, " + audited.size() + " enroll audit rows; "
                + workload.acknowledged();
        return new Outcome(survived, List.of(
                Invariant.of("acknowledged-survives", lost.isEmpty() && lostAudit.isEmpty(),
                        lost.size() + " acknowledged enrollment(s) lost, " + lostAudit.size() + " lost their audit row"),
                Invariant.of("no-device-without-audit", unaudited.isEmpty(),
                        unaudited.size() + " device(s) without an audit row, e.g. " + first(unaudited)),
                Invariant.of("no-audit-without-device", auditWithout.isEmpty(),
                        auditWithout.size() + " audit row(s) of enrollments that are not there, e.g. "
                                + first(auditWithout))));
    }

    private static String first(Set<String> set) {
        return set.stream().sorted().findFirst().orElse("-");
    }

    private static Set<String> strings(Connection database, String sql) throws SQLException {
        Set<String> values = new HashSet<>();
        try (PreparedStatement query = database.prepareStatement(sql); ResultSet row = query.executeQuery()) {
            while (row.next()) {
                values.add(row.getString(1).strip());
            }
        }
        return values;
    }
}
