package io.hub.provisioning.fleet;

import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.Rows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The console's device list in plain SQL, paged by the database: one page of the devices matching a
 * filter (the light columns only, so no SIP password is opened) and their count, then for that page
 * the latest contact, the firmware last reported, the DHCP alerts and the last resync, in one query
 * each.
 */
public final class FleetSearch {

    private final Database database;

    public FleetSearch(Database database) {
        this.database = database;
    }

    /**
     * One page of the list, paged by the database: the count of matching devices (and how many of them
     * are registered) in one query, the page's rows in another, never every device.
     *
     * @param total devices the filter selects
     * @param registered of those, the ones with a live binding
     */
    public record Page(long total, long registered, List<FleetDevice> devices) {
    }

    /**
     * The tenant's devices that the filter's search, site, model, state and live state select, ordered
     * by MAC, the filter's page of them.
     *
     * @param registeredMacs the MACs with a live binding now (SIP's, not the database's, knowledge)
     */
    public Page page(String tenant, FleetFilter filter, Set<String> registeredMacs) {
        StringBuilder where = new StringBuilder(" FROM device WHERE tenant_id = ?");
        List<Object> values = new ArrayList<>(List.of(tenant));
        if (filter.site() != null) {
            where.append(" AND site = ?");
            values.add(filter.site());
        }
        if (filter.model() != null) {
            where.append(" AND LOWER(model) = ?");
            values.add(filter.model().toLowerCase(Locale.ROOT));
        }
        if (filter.state() != null) {
            where.append(" AND state = ?");
            values.add(filter.state());
        }
        if (filter.search() != null) {
            String like = "%" + escapeLike(filter.search().toLowerCase(Locale.ROOT)) + "%";
            where.append(" AND (LOWER(extension) LIKE ? ESCAPE '!' OR LOWER(display_name) LIKE ? ESCAPE '!' "
                    + "OR LOWER(site) LIKE ? ESCAPE '!' OR LOWER(model) LIKE ? ESCAPE '!'");
            values.addAll(List.of(like, like, like, like));
            String mac = filter.searchAsMac();
            if (mac != null) {
                where.append(" OR mac LIKE ?");
                values.add("%" + mac + "%");
            }
            where.append(")");
        }
        boolean liveFilter = filter.live() != null;
        if (liveFilter) {
            where.append(filter.live().equals("registered") ? " AND mac = ANY(?)" : " AND NOT (mac = ANY(?))");
        }
        String[] registered = registeredMacs.toArray(String[]::new);
        return database.transaction(connection -> {
            java.sql.Array live = connection.createArrayOf("VARCHAR", registered);
            List<Object> whereValues = new ArrayList<>(values);
            if (liveFilter) {
                whereValues.add(live);
            }
            long total;
            long registeredCount;
            List<Object> countValues = new ArrayList<>(List.of(live));
            countValues.addAll(whereValues);
            try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*), "
                    + "COALESCE(SUM(CASE WHEN mac = ANY(?) THEN 1 ELSE 0 END), 0)" + where)) {
                Rows.bind(count, countValues.toArray());
                try (ResultSet row = count.executeQuery()) {
                    row.next();
                    total = row.getLong(1);
                    registeredCount = row.getLong(2);
                }
            }
            List<Object> pageValues = new ArrayList<>(whereValues);
            pageValues.add((long) filter.page() * filter.size());
            pageValues.add(filter.size());
            List<FleetDevice> devices = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement("SELECT mac, model, extension, "
                    + "display_name, site, region, state, certificate_sha256, pending_sha256, updated_at" + where
                    + " ORDER BY mac OFFSET ? ROWS FETCH NEXT ? ROWS ONLY")) {
                Rows.bind(statement, pageValues.toArray());
                try (ResultSet row = statement.executeQuery()) {
                    while (row.next()) {
                        String certificate = row.getString("certificate_sha256") != null ? "bound"
                                : row.getString("pending_sha256") != null ? "pending" : "none";
                        devices.add(new FleetDevice(row.getString("mac").strip(), row.getString("model"),
                                row.getString("extension"), row.getString("display_name"), row.getString("site"),
                                row.getString("region"), row.getString("state"), certificate,
                                Rows.instant(row, "updated_at"), null, null, null, null, 0, null, null));
                    }
                }
            }
            return new Page(total, registeredCount, devices);
        });
    }

    /** The page's devices with their latest contact, last reported firmware, DHCP alerts and last resync. */
    public List<FleetDevice> withExtras(List<FleetDevice> page) {
        if (page.isEmpty()) {
            return page;
        }
        List<String> macs = page.stream().map(FleetDevice::mac).toList();
        String in = String.join(", ", Collections.nCopies(macs.size(), "?"));
        database.awaitWritesBehind(); // contacts are written behind
        return database.transaction(connection -> {
            Map<String, Object[]> contact = rows(connection, "SELECT mac, at, kind, source_ip FROM device_contact "
                    + "WHERE id IN (SELECT MAX(id) FROM device_contact WHERE mac IN (" + in + ") GROUP BY mac)", macs);
            Map<String, Object[]> firmware = rows(connection, "SELECT mac, firmware FROM device_contact "
                    + "WHERE id IN (SELECT MAX(id) FROM device_contact WHERE mac IN (" + in + ") "
                    + "AND firmware IS NOT NULL GROUP BY mac)", macs);
            Map<String, Object[]> alerts = rows(connection, "SELECT mac, COUNT(*) FROM dhcp_alert WHERE mac IN ("
                    + in + ") GROUP BY mac", macs);
            Map<String, Object[]> resync = rows(connection, "SELECT mac, outcome, finished_at FROM device_resync "
                    + "WHERE mac IN (" + in + ")", macs);
            List<FleetDevice> devices = new ArrayList<>();
            for (FleetDevice device : page) {
                Object[] c = contact.get(device.mac());
                Object[] f = firmware.get(device.mac());
                Object[] a = alerts.get(device.mac());
                Object[] r = resync.get(device.mac());
                devices.add(device.withExtras(c == null ? null : (Instant) c[0], c == null ? null : (String) c[1],
                        c == null ? null : (String) c[2], f == null ? null : (String) f[0],
                        a == null ? 0 : ((Number) a[0]).intValue(), r == null ? null : (String) r[0],
                        r == null ? null : (Instant) r[1]));
            }
            return devices;
        });
    }

    /** The distinct sites and models of the tenant's devices, for the console's filters. */
    public Map<String, List<String>> facets(String tenant) {
        return database.transaction(connection -> Map.of(
                "sites", distinct(connection, "SELECT DISTINCT site FROM device WHERE tenant_id = ? "
                        + "AND site IS NOT NULL ORDER BY site", tenant),
                "models", distinct(connection, "SELECT DISTINCT model FROM device WHERE tenant_id = ? ORDER BY model",
                        tenant)));
    }

    /** The columns after the first (the MAC) of each row, by MAC; times as instants. */
    private static Map<String, Object[]> rows(Connection connection, String sql, List<String> macs)
            throws SQLException {
        Map<String, Object[]> rows = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            Rows.bind(statement, macs.toArray());
            try (ResultSet row = statement.executeQuery()) {
                int columns = row.getMetaData().getColumnCount();
                while (row.next()) {
                    Object[] values = new Object[columns - 1];
                    for (int i = 2; i <= columns; i++) {
                        Object value = row.getObject(i);
                        values[i - 2] = value instanceof java.time.OffsetDateTime time ? time.toInstant()
                                : value instanceof java.sql.Timestamp stamp ? stamp.toInstant()
                                : value instanceof String text ? text.strip() : value;
                    }
                    rows.put(row.getString(1).strip(), values);
                }
            }
        }
        return rows;
    }

    private static List<String> distinct(Connection connection, String sql, String tenant) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, tenant);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    values.add(row.getString(1));
                }
            }
        }
        return values;
    }

    /** A LIKE pattern's wildcards and its escape character taken literally. */
    private static String escapeLike(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }
}
