package io.hub.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.DeviceCertificateRequest;
import io.hub.pki.DeviceCertificates;
import io.hub.pki.MacAddress;
import io.hub.pki.RevocationList;
import io.hub.provisioning.changes.ConfigChange;
import io.hub.provisioning.http.IoThreadAnswers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.concurrent.Callable;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A phone's configuration is rendered once and served from memory until a layer it was rendered
 * from changes: a repeated fetch reads no layer from the database, and a fetch after any change
 * (device row, device or site settings, firmware target, password, certificate binding, disabling,
 * another node's change) gets the new value, never the kept one.
 */
class ConfigCacheTest {

    private static final String MAC = "00809f0c0001";
    private static final String CONFIG = "/prov/v1/config/" + MAC + ".xml";

    @TempDir
    Path home;

    private final CountingDataSource counted = new CountingDataSource();
    private TestHub hub;
    private TestHub.Phone phone;
    private DeviceCertificates.IssuedCertificate issued;

    @BeforeEach
    void start() throws Exception {
        hub = TestHub.start(home, counted::wrap);
        ContentResponse enrolled = hub.adminJson("POST", "/admin/v1/devices", "{\"mac\": \"" + MAC + "\", "
                + "\"model\": \"Myriad M7\", \"extension\": \"1001\", \"site\": \"Paris\"}");
        assertEquals(201, enrolled.getStatus(), enrolled.getContentAsString());
        issued = hub.pki.issueDeviceCertificate(DeviceCertificateRequest.of(MacAddress.parse(MAC), "Myriad M7"),
                hub.phoneDirectory(MAC));
        phone = hub.phone(issued.certificate(), issued.keys().getPrivate());
    }

    @AfterEach
    void stop() {
        phone.close();
        hub.close();
    }

    @Test
    void aRepeatedUnchangedFetchReadsNoLayerFromTheDatabase() throws Exception {
        String first = config();
        int before = counted.layerStatements();

        String again = config();
        String third = config();

        assertEquals(first, again);
        assertEquals(first, third);
        assertEquals(0, counted.layerStatements() - before, "statements on the layer tables for two repeated fetches");
        assertTrue(hub.metrics.get("hub.device.configs.kept").gauge().value() >= 1);
    }

    @Test
    void aRepeatedUnchangedFetchIsAnsweredOnTheThreadThatReadItWithoutTheDatabase() throws Exception {
        String first = config();
        double onIoThread = answered("io");
        double onPool = answered("pool");

        assertEquals(first, config());
        assertEquals(onIoThread + 1, answered("io"));
        assertEquals(onPool, answered("pool"));

        hub.dataSource().close();
        assertEquals(first, config(), "answered from memory with the database gone");
        assertEquals(onIoThread + 2, answered("io"));
        assertEquals(onPool, answered("pool"));
    }

    @Test
    void aFetchAfterAChangeGoesToThePoolAndTheNextFromMemoryAgain() throws Exception {
        config();
        config();
        double onIoThread = answered("io");
        double onPool = answered("pool");
        assertEquals(200, hub.adminJson("PATCH", "/admin/v1/devices/" + MAC, "{\"displayName\": \"Front desk\"}")
                .getStatus());

        assertTrue(config().contains("displayName=\"Front desk\""));
        assertEquals(onPool + 1, answered("pool"));
        assertTrue(config().contains("displayName=\"Front desk\""));
        assertEquals(onIoThread + 1, answered("io"));
    }

    @Test
    void aPhoneOverItsRequestBudgetOnAKeptConnectionIsRefused429() throws Exception {
        config();
        ContentResponse refused = null;
        // The budget is a burst of 2.5 seconds' worth, refilled while the loop runs: a bound of four times it.
        int bound = (int) (Provisioning.Settings.DEVICE_REQUESTS_PER_SECOND * 2.5 * 4);
        for (int i = 0; i < bound && refused == null; i++) {
            ContentResponse response = phone.get(CONFIG);
            if (response.getStatus() != 200) {
                refused = response;
            }
        }

        assertTrue(refused != null, "no refusal within " + bound + " requests");
        assertEquals(429, refused.getStatus(), refused.getContentAsString());
        assertEquals("rate-limited", refused.getHeaders().get("X-Hub-Reason"));
        assertTrue(refused.getContentAsString().contains("reason=\"rate-limited\""), refused.getContentAsString());
        assertTrue(answered("io") > 1, "the kept fetches were answered on the thread that read them");
    }

    @Test
    void theDeviceRowChangeIsServedAtOnce() throws Exception {
        config();
        assertEquals(200, hub.adminJson("PATCH", "/admin/v1/devices/" + MAC, "{\"displayName\": \"Front desk\"}")
                .getStatus());
        assertTrue(config().contains("displayName=\"Front desk\""));
    }

    @Test
    void theDeviceSettingsChangeIsServedAtOnce() throws Exception {
        assertFalse(config().contains("ntp.device.test"));
        assertEquals(200, hub.adminJson("PATCH", "/admin/v1/devices/" + MAC,
                "{\"settings\": {\"ntp.server\": \"ntp.device.test\"}}").getStatus());
        assertTrue(config().contains("<ntp server=\"ntp.device.test\"/>"));
    }

    @Test
    void theSiteSettingsChangeIsServedAtOnce() throws Exception {
        assertFalse(config().contains("ntp.paris.test"));
        assertEquals(200, hub.adminJson("PUT", "/admin/v1/sites/Paris",
                "{\"settings\": {\"ntp.server\": \"ntp.paris.test\"}}").getStatus());
        assertTrue(config().contains("<ntp server=\"ntp.paris.test\"/>"));
        assertEquals(200, hub.adminJson("PUT", "/admin/v1/sites/Paris",
                "{\"settings\": {\"ntp.server\": \"ntp2.paris.test\"}}").getStatus());
        assertTrue(config().contains("<ntp server=\"ntp2.paris.test\"/>"));
    }

    @Test
    void anotherSitesChangeKeepsThisPhonesConfigurationWithoutReadingIt() throws Exception {
        String first = config();
        assertEquals(200, hub.adminJson("PUT", "/admin/v1/sites/Lyon",
                "{\"settings\": {\"ntp.server\": \"ntp.lyon.test\"}}").getStatus());
        int before = counted.layerStatements();

        assertEquals(first, config());
        assertEquals(0, counted.layerStatements() - before, "a change of another site reaches nothing kept here");
    }

    @Test
    void theFirmwareTargetChangeIsServedAtOnce() throws Exception {
        assertFalse(config().contains("version=\"7.1\""));
        eachTargetSetIsAnsweredAtOnce(this::config);
    }

    @Test
    void aRepeatedDiscoveryReadsNoFirmwareTargetFromTheDatabase() throws Exception {
        String first = discovery();
        int before = counted.layerStatements();

        assertEquals(first, discovery());
        assertEquals(first, discovery());
        assertEquals(0, counted.layerStatements() - before, "statements on the layer tables for two repeated discoveries");
        assertEquals(1.0, hub.metrics.get("hub.device.firmware-targets.kept").gauge().value(),
                "the model's absence of a target is kept too");
    }

    @Test
    void theFirmwareTargetChangeIsDiscoveredAtOnce() throws Exception {
        assertFalse(discovery().contains("<firmware"), "no target yet, and that is kept");
        eachTargetSetIsAnsweredAtOnce(this::discovery);
    }

    @Test
    void anotherNodesFirmwareTargetIsDiscoveredOnceItsNoticeIsHeard() throws Exception {
        upload("7.1");
        assertFalse(discovery().contains("<firmware"));
        writtenByAnotherNode("INSERT INTO firmware_target (tenant_id, model, version) "
                + "VALUES ('default', 'Myriad M7', '7.1')");
        assertFalse(discovery().contains("<firmware"), "kept until the change is heard");

        hub.provisioning.configChanges().heard(ConfigChange.model("default", "Myriad M7"));

        assertTrue(discovery().contains("version=\"7.1\""));
    }

    @Test
    void aRotatedPasswordIsServedAtOnce() throws Exception {
        String before = password(config());
        assertEquals(200, hub.adminJson("POST", "/admin/v1/devices/" + MAC + "/sip-password", null).getStatus());
        String after = password(config());
        assertNotEquals(before, after);
    }

    @Test
    void aDisabledOrDeletedDeviceIsRefusedAtOnce() throws Exception {
        config();
        assertEquals(200, hub.adminJson("PATCH", "/admin/v1/devices/" + MAC, "{\"state\": \"disabled\"}").getStatus());
        assertEquals(403, phone.get(CONFIG).getStatus());
        assertEquals(200, hub.adminJson("PATCH", "/admin/v1/devices/" + MAC, "{\"state\": \"enabled\"}").getStatus());
        assertEquals(200, phone.get(CONFIG).getStatus());
        assertEquals(204, hub.adminJson("DELETE", "/admin/v1/devices/" + MAC, null).getStatus());
        ContentResponse deleted = phone.get(CONFIG);
        assertEquals(404, deleted.getStatus());
        assertTrue(deleted.getContentAsString().contains("not-enrolled"), deleted.getContentAsString());
    }

    @Test
    void aCertificateBoundInsteadIsRefusedAtOnce() throws Exception {
        config();
        ContentResponse bound = hub.adminJson("POST", "/admin/v1/devices/" + MAC + "/certificate",
                "{\"fingerprint\": \"" + "ab".repeat(32) + "\"}");
        assertEquals(200, bound.getStatus(), bound.getContentAsString());
        assertEquals(403, phone.get(CONFIG).getStatus());
    }

    @Test
    void aRevokedCertificateIsRefusedThoughItsConfigurationIsKept() throws Exception {
        config();
        config();
        double onPool = answered("pool");
        hub.pki.revokeCertificate(issued.certificate(), RevocationList.Reason.KEY_COMPROMISE);
        ContentResponse refused = phone.get(CONFIG);
        assertEquals(403, refused.getStatus());
        assertEquals(onPool + 1, answered("pool"), "judged again, on the pool");
        assertTrue(refused.getContentAsString().contains("revoked"), refused.getContentAsString());
    }

    @Test
    void anotherNodesChangeIsServedOnceItsNoticeIsHeard() throws Exception {
        config();
        writtenByAnotherNode("INSERT INTO site_setting (tenant_id, site, setting_key, setting_value) "
                + "VALUES ('default', 'Paris', 'ntp.server', 'ntp.node2.test')");
        assertFalse(config().contains("ntp.node2.test"), "kept until the change is heard");

        hub.provisioning.configChanges().heard(ConfigChange.site("default", "Paris"));

        assertTrue(config().contains("<ntp server=\"ntp.node2.test\"/>"));
    }

    /** A write another node of the cluster makes in the shared database, without a notice yet. */
    private void writtenByAnotherNode(String sql) throws Exception {
        try (Connection connection = hub.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.executeUpdate();
        }
    }

    private double answered(String thread) {
        return hub.metrics.get(IoThreadAnswers.ANSWERED).tags("port", "device", "thread", thread).counter().count();
    }

    /** Uploads an image of each version for the phone's model. */
    private void upload(String... versions) throws Exception {
        byte[] image = "image one".getBytes(StandardCharsets.UTF_8);
        for (String version : versions) {
            assertEquals(201, hub.admin("POST", "/admin/v1/firmware?model=Myriad%20M7&version=" + version,
                    "application/octet-stream", image).getStatus());
        }
    }

    /** Uploads 7.1 and 7.2 and makes each the target in turn: {@code answer} names each at once. */
    private void eachTargetSetIsAnsweredAtOnce(Callable<String> answer) throws Exception {
        upload("7.1", "7.2");
        target("7.1");
        assertTrue(answer.call().contains("version=\"7.1\""));
        target("7.2");
        assertTrue(answer.call().contains("version=\"7.2\""));
    }

    private void target(String version) throws Exception {
        assertEquals(200, hub.adminJson("PUT", "/admin/v1/firmware/target",
                "{\"model\": \"Myriad M7\", \"version\": \"" + version + "\"}").getStatus());
    }

    private String discovery() throws Exception {
        return ok("/rdd/v1/discovery");
    }

    private String config() throws Exception {
        return ok(CONFIG);
    }

    /** The phone's GET of {@code path}, answered 200. */
    private String ok(String path) throws Exception {
        ContentResponse response = phone.get(path);
        assertEquals(200, response.getStatus(), response.getContentAsString());
        return response.getContentAsString();
    }

    private static String password(String config) {
        int at = config.indexOf("password=\"");
        assertTrue(at >= 0, config);
        return config.substring(at + 10, config.indexOf('"', at + 10));
    }
}
