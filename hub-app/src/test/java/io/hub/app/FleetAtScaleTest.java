package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hub.app.storage.HubDatabase;
import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import io.hub.provisioning.devices.ImportReport;
import io.hub.sip.CallPhone;
import io.hub.sip.SipTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's device list over a fleet of 10,000 enrolled phones, 60 of them registered: a page
 * costs the same few statements whatever the number of phones and of registrations. The work is
 * counted, not timed: H2's own statistics ({@code INFORMATION_SCHEMA.QUERY_STATISTICS}) count every
 * statement the database executes while the page is served, and a lookup per device or per binding
 * would show as thousands (or 60) executions of one statement.
 */
class FleetAtScaleTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ENROLLED = 10_000;
    private static final int REGISTERED = 60;
    private static final long FIRST_MAC = 0x00809f100000L;
    /**
     * Statements a page may cost: the page and its count, the page's contacts, firmware, alerts and
     * resyncs, the filters' sites and models, the firmware targets of the page's models, the tenant's
     * domain and the AORs of the registrations and calls views, the token check, and room for the
     * hub's own heartbeat meanwhile. Far below the {@value #REGISTERED} lookups one per binding would take.
     */
    private static final int STATEMENTS_PER_PAGE = 20;

    @TempDir
    Path dir;

    private Hub hub;
    private AdminHttp admin;
    private final List<CallPhone> phones = new ArrayList<>();
    private long readings;

    @BeforeEach
    void start() throws Exception {
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.sipDomain = "hub.test";
        settings.sipUnregisteredPerSource = 1_000;
        hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC());
        admin = new AdminHttp(hub, dir.resolve("var"));
        StringBuilder csv = new StringBuilder("action,macAddress,deviceType,extension,displayName,site\n");
        for (int i = 0; i < ENROLLED; i++) {
            csv.append("create,").append(mac(i).value()).append(",Myriad M7,").append(10_000 + i)
                    .append(",Phone ").append(i).append(',').append(i % 2 == 0 ? "Paris" : "Lyon").append('\n');
        }
        ImportReport report = hub.provisioning().enrollment().importCsv("default",
                csv.toString().getBytes(StandardCharsets.UTF_8), false, "test", "127.0.0.1");
        assertEquals(ENROLLED, report.created(), report.toString());
        X509Certificate ca = PemFiles.readCertificate(hub.pki().file(HubPki.HUB_CA_CERTIFICATE));
        for (int i = 0; i < REGISTERED; i++) {
            CallPhone phone = new CallPhone(Integer.toString(10_000 + i), SipTestClient.tls(hub.sip().tlsPort(), ca,
                    null, null));
            phones.add(phone);
            phone.register(hub.provisioning().enrollment().find("default", mac(i)).sipPassword());
        }
        // The bindings reach their table from the journal within 250 ms: before the counting, not during it.
        hub.sip().location().checkpointStore();
    }

    @AfterEach
    void stop() {
        phones.forEach(CallPhone::close);
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aPageOfTenThousandPhonesCostsAFewStatementsWhateverIsRegistered() throws Exception {
        try (Connection statistics = DriverManager.getConnection(
                HubDatabase.h2Url(new HubHome(dir.resolve("var")).databaseDirectory()))) {
            try (Statement statement = statistics.createStatement()) {
                statement.execute("SET QUERY_STATISTICS_MAX_ENTRIES 10000");
                statement.execute("SET QUERY_STATISTICS TRUE");
            }
            admin.get("/admin/v1/fleet?size=1"); // the routes' first use, outside the count

            Map<String, Long> before = executions(statistics);
            JsonNode page = JSON.readTree(admin.get("/admin/v1/fleet?page=100&size=50"));
            Map<String, Long> spent = since(before, executions(statistics));

            assertEquals(ENROLLED, page.get("total").asInt(), page.toString());
            assertEquals(REGISTERED, page.get("registered").asInt());
            assertEquals(50, page.get("devices").size());
            assertEquals(mac(5_000).value(), page.get("devices").get(0).get("mac").asText(), "page 100 of 50 each");
            assertCounted(spent, "OFFSET");
            assertWithinBound(spent);

            before = executions(statistics);
            JsonNode registered = JSON.readTree(admin.get("/admin/v1/fleet?live=registered&size=100"));
            spent = since(before, executions(statistics));

            assertEquals(REGISTERED, registered.get("total").asInt(), registered.toString());
            assertEquals(REGISTERED, registered.get("devices").size());
            for (JsonNode device : registered.get("devices")) {
                assertTrue(device.get("registered").asBoolean(), device.toString());
                assertEquals("up", device.at("/bindings/0/flow").asText(), device.toString());
            }
            assertWithinBound(spent);
        }
    }

    @Test
    void theRegistrationsViewResolvesEveryBindingInOneStatement() throws Exception {
        try (Connection statistics = DriverManager.getConnection(
                HubDatabase.h2Url(new HubHome(dir.resolve("var")).databaseDirectory()))) {
            try (Statement statement = statistics.createStatement()) {
                statement.execute("SET QUERY_STATISTICS_MAX_ENTRIES 10000");
                statement.execute("SET QUERY_STATISTICS TRUE");
            }
            admin.get("/admin/v1/registrations");

            Map<String, Long> before = executions(statistics);
            JsonNode view = JSON.readTree(admin.get("/admin/v1/registrations"));
            Map<String, Long> spent = since(before, executions(statistics));

            assertEquals(REGISTERED, view.get("registrations").size(), view.toString());
            assertEquals(mac(0).value(), view.get("registrations").findValuesAsText("mac").stream().sorted()
                    .findFirst().orElseThrow());
            assertCounted(spent, "extension = ANY(");
            assertWithinBound(spent);
        }
    }

    /** The statistics did count the request: the statement that does its work is there, run once. */
    private static void assertCounted(Map<String, Long> spent, String statement) {
        assertEquals(List.of(1L), spent.entrySet().stream().filter(entry -> entry.getKey().contains(statement))
                .map(Map.Entry::getValue).toList(), statement + " in " + spent);
    }

    /**
     * The statements the request cost, besides the COMMIT that ends each transaction, are few; and no
     * statement, COMMIT included, ran anywhere near once per registered phone.
     */
    private static void assertWithinBound(Map<String, Long> spent) {
        long total = spent.entrySet().stream().filter(entry -> !entry.getKey().equals("COMMIT"))
                .mapToLong(Map.Entry::getValue).sum();
        assertTrue(total <= STATEMENTS_PER_PAGE, total + " statements: " + spent);
        assertTrue(spent.values().stream().allMatch(count -> count < REGISTERED),
                "no statement once per binding: " + spent);
    }

    /**
     * Each statement H2 has executed since the statistics were switched on, with how many times. The
     * parameter differs at each reading: H2 hands back its last result for the same query and the
     * same parameters while no table changed, and a request that only reads changes none.
     */
    private Map<String, Long> executions(Connection connection) throws Exception {
        Map<String, Long> counts = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT SQL_STATEMENT, EXECUTION_COUNT "
                + "FROM INFORMATION_SCHEMA.QUERY_STATISTICS WHERE EXECUTION_COUNT > ?")) {
            statement.setLong(1, -(++readings));
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    counts.put(row.getString(1), row.getLong(2));
                }
            }
        }
        return counts;
    }

    /** The executions between two readings, leaving out this test's own reading of the statistics. */
    private static Map<String, Long> since(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> spent = new HashMap<>();
        after.forEach((sql, count) -> {
            long more = count - before.getOrDefault(sql, 0L);
            if (more > 0 && !sql.contains("QUERY_STATISTICS")) {
                spent.put(sql, more);
            }
        });
        return spent;
    }

    private static MacAddress mac(int i) {
        return MacAddress.parse(String.format("%012x", FIRST_MAC + i));
    }
}
