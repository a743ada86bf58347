package io.hub.provisioning.alerts;

import io.hub.pki.MacAddress;
import io.hub.pki.log.LogText;
import io.hub.dhcp.DhcpRules;
import io.hub.dhcp.DiscoveryUrl;
import io.hub.dhcp.Finding;
import io.hub.dhcp.OptionValue;
import io.hub.dhcp.Scope;
import io.hub.dhcp.decode.Bytes;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DHCP conflicts that phones report: each report's options 43, 66 and 67 go through the same rules
 * as a server's configuration, and the phone's alerts become exactly its conflicts of that report.
 * A later report without the conflict takes the phone off the alert.
 */
public final class DhcpAlerts {

    private static final Logger LOG = LoggerFactory.getLogger(DhcpAlerts.class);

    private final Database database;
    private final Clock clock;

    public DhcpAlerts(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Judges the DHCP options a phone says it received and keeps its alerts in step.
     *
     * @param options raw values by option code (43, 66, 67), as the phone reported them; an absent or
     *     empty value means the phone did not get that option
     * @param hub the discovery URL the values are compared with
     * @return the conflicts of this report
     */
    public List<Finding> report(MacAddress mac, Map<Integer, String> options, DiscoveryUrl hub) {
        List<Finding> conflicts = conflicts(mac, options, hub);
        Instant now = clock.instant();
        database.transaction(connection -> {
            Map<Integer, String> before = current(connection, mac);
            Map<Integer, Finding> after = new LinkedHashMap<>();
            conflicts.forEach(finding -> after.putIfAbsent(finding.option(), finding));
            for (Map.Entry<Integer, String> old : before.entrySet()) {
                Finding latest = after.get(old.getKey());
                if (latest == null || !latest.raw().equals(old.getValue())) {
                    delete(connection, mac, old.getKey());
                    LOG.info("dhcp alert cleared mac={} option={} value={}", mac.value(), old.getKey(),
                            LogText.of(old.getValue()));
                }
            }
            for (Finding finding : after.values()) {
                if (Objects.equals(before.get(finding.option()), finding.raw())) {
                    touch(connection, mac, finding.option(), now);
                } else {
                    insert(connection, mac, finding, now);
                    LOG.info("dhcp alert raised mac={} option={} kind={} value={}", mac.value(), finding.option(),
                            finding.kind().code(), LogText.of(finding.raw()));
                }
            }
            return null;
        });
        return conflicts;
    }

    /** The tenant's alerts, grouped by site and finding, sites in order, phones in order. */
    public List<DhcpAlert> list(String tenant) {
        List<Row> rows = database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT d.site, a.mac, a.dhcp_option, "
                    + "a.kind, a.severity, a.raw_value, a.decoded, a.location, a.why, a.fix, a.first_seen, a.last_seen "
                    + "FROM dhcp_alert a JOIN device d ON d.mac = a.mac WHERE d.tenant_id = ? "
                    + "ORDER BY d.site, a.dhcp_option, a.kind, a.raw_value, a.mac")) {
                statement.setString(1, tenant);
                List<Row> read = new ArrayList<>();
                try (ResultSet row = statement.executeQuery()) {
                    while (row.next()) {
                        read.add(new Row(row.getString("site"), row.getString("mac"), row.getInt("dhcp_option"),
                                row.getString("kind"), row.getString("severity"), row.getString("raw_value"),
                                row.getString("decoded"), row.getString("location"), row.getString("why"),
                                row.getString("fix"), Rows.instant(row, "first_seen"), Rows.instant(row, "last_seen")));
                    }
                }
                return read;
            }
        });
        Map<List<Object>, List<Row>> groups = new LinkedHashMap<>();
        for (Row row : rows) {
            groups.computeIfAbsent(java.util.Arrays.asList(row.site(), row.option(), row.kind(), row.value()),
                    key -> new ArrayList<>()).add(row);
        }
        List<DhcpAlert> alerts = new ArrayList<>();
        for (List<Row> group : groups.values()) {
            Row first = group.get(0);
            alerts.add(new DhcpAlert(first.site(), first.kind(), first.severity(), first.option(), first.value(),
                    first.decoded(), first.location(), first.why(), first.fix(), group.stream().map(Row::mac).toList(),
                    group.stream().map(Row::firstSeen).min(Instant::compareTo).orElseThrow(),
                    group.stream().map(Row::lastSeen).max(Instant::compareTo).orElseThrow()));
        }
        return alerts;
    }

    /** One phone's alert as stored. */
    private record Row(String site, String mac, int option, String kind, String severity, String value,
            String decoded, String location, String why, String fix, Instant firstSeen, Instant lastSeen) {
    }

    private static List<Finding> conflicts(MacAddress mac, Map<Integer, String> options, DiscoveryUrl hub) {
        DhcpRules rules = new DhcpRules(hub);
        String where = "phone " + mac.value();
        Scope scope = new Scope(Scope.Level.PHONE, where, true, "");
        String tftp = options.get(66);
        DhcpRules.Context context = new DhcpRules.Context(null, tftp == null || tftp.isBlank() ? null : tftp);
        List<Finding> conflicts = new ArrayList<>();
        for (Map.Entry<Integer, String> option : options.entrySet()) {
            String raw = option.getValue();
            if (raw == null || raw.isEmpty()) {
                continue;
            }
            // A phone reports option 43 as it got it: hex when it is binary, else its text.
            byte[] bytes = option.getKey() == 43 && Bytes.looksLikeHex(raw) ? Bytes.parseHex(raw)
                    : raw.getBytes(StandardCharsets.UTF_8);
            rules.check(new OptionValue(option.getKey(), bytes, raw, where), scope, context).stream()
                    .filter(Finding::isConflict).forEach(conflicts::add);
        }
        return conflicts;
    }

    private static Map<Integer, String> current(Connection connection, MacAddress mac) throws SQLException {
        Map<Integer, String> values = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT dhcp_option, raw_value FROM dhcp_alert WHERE mac = ?")) {
            statement.setString(1, mac.value());
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    values.put(row.getInt(1), row.getString(2));
                }
            }
        }
        return values;
    }

    private static void insert(Connection connection, MacAddress mac, Finding finding, Instant now)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO dhcp_alert (mac, dhcp_option, "
                + "kind, severity, raw_value, decoded, location, why, fix, first_seen, last_seen) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            Rows.bind(statement, mac.value(), finding.option(), finding.kind().code(),
                    finding.severity().name().toLowerCase(java.util.Locale.ROOT), clip(finding.raw(), 1024),
                    clip(finding.decoded(), 2048), clip(finding.location(), 1024), clip(finding.why(), 1000),
                    clip(finding.fix(), 1000), now, now);
            statement.executeUpdate();
        }
    }

    private static void touch(Connection connection, MacAddress mac, int option, Instant now) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "UPDATE dhcp_alert SET last_seen = ? WHERE mac = ? AND dhcp_option = ?")) {
            Rows.bind(statement, now, mac.value(), option);
            statement.executeUpdate();
        }
    }

    private static void delete(Connection connection, MacAddress mac, int option) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "DELETE FROM dhcp_alert WHERE mac = ? AND dhcp_option = ?")) {
            Rows.bind(statement, mac.value(), option);
            statement.executeUpdate();
        }
    }

    private static String clip(String value, int length) {
        return value.length() <= length ? value : value.substring(0, length);
    }
}
