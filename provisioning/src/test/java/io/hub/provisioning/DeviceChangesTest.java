package io.hub.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.MacAddress;
import io.hub.provisioning.devices.DeviceChange;
import io.hub.provisioning.devices.Enrollment;
import io.hub.provisioning.tenants.Tenants;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What SIP follows: every committed change to a device is announced (the admin API, an import),
 * disabling gives the phone a new SIP password, and a tenant may have its own sipClientCertificate.
 */
class DeviceChangesTest {

    /** The database the tests run on; {@link DeviceChangesOnPostgresTest} runs them on PostgreSQL. */
    TestStore store() {
        return TestStore.H2;
    }

    private static final MacAddress MAC = MacAddress.parse("00809f000001");

    @TempDir
    Path home;

    private TestHub hub;
    private Enrollment enrollment;
    private final List<DeviceChange> changes = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws Exception {
        hub = TestHub.start(store(), home);
        enrollment = hub.provisioning.enrollment();
        enrollment.onChange(changes::add);
        assertEquals(201, hub.adminJson("POST", "/admin/v1/devices",
                "{\"mac\": \"00809f000001\", \"model\": \"Myriad M7\", \"extension\": \"1001\"}").getStatus());
    }

    @AfterEach
    void stop() throws Exception {
        hub.close();
    }

    @Test
    void disablingIsAnnouncedAndRotatesTheSipPasswordEnablingKeepsIt() throws Exception {
        String before = password();
        assertEquals(200, hub.adminJson("PATCH", "/admin/v1/devices/" + MAC, "{\"state\": \"disabled\"}").getStatus());

        assertEquals(1, changes.size());
        assertTrue(changes.get(0).endsRegistration());
        String rotated = password();
        assertNotEquals(before, rotated, "a copy of the old password stops working");
        assertTrue(hub.adminJson("GET", "/admin/v1/audit?mac=" + MAC, null).getContentAsString()
                .contains("sipPassword=rotated"));

        assertEquals(200, hub.adminJson("PATCH", "/admin/v1/devices/" + MAC, "{\"state\": \"enabled\"}").getStatus());
        assertFalse(changes.get(1).endsRegistration());
        assertEquals(rotated, password(), "the phone fetches the new one with its certificate");
    }

    @Test
    void aNewExtensionOrADeleteEndsTheOldRegistrationARenameDoesNot() throws Exception {
        hub.adminJson("PATCH", "/admin/v1/devices/" + MAC, "{\"displayName\": \"Desk\"}");
        hub.adminJson("PATCH", "/admin/v1/devices/" + MAC, "{\"extension\": \"1002\"}");
        assertEquals(204, hub.adminJson("DELETE", "/admin/v1/devices/" + MAC, null).getStatus());

        assertEquals(3, changes.size());
        assertFalse(changes.get(0).endsRegistration());
        assertTrue(changes.get(1).endsRegistration());
        assertEquals("1001", changes.get(1).before().extension());
        assertTrue(changes.get(2).endsRegistration());
        assertNull(changes.get(2).after());
        assertEquals("1002", changes.get(2).before().extension());
    }

    @Test
    void anImportAnnouncesItsDeletesAndMovedExtensions() throws Exception {
        hub.adminJson("POST", "/admin/v1/devices", "{\"mac\": \"00809f000002\", \"model\": \"Myriad M7\", "
                + "\"extension\": \"1002\"}");
        String csv = "action,macAddress,deviceType,extension,displayName,site,region\n"
                + "delete,00809f000001,,,,,\n"
                + "update,00809f000002,Myriad M7,1003,,,eu1\n";
        assertEquals(200, hub.admin("POST", "/admin/v1/devices/import", "text/csv",
                csv.getBytes(StandardCharsets.UTF_8)).getStatus());

        assertEquals(List.of("1001", "1002"), changes.stream().map(change -> change.before().extension()).toList());
        assertTrue(changes.stream().allMatch(DeviceChange::endsRegistration));
    }

    @Test
    void aSipPasswordIsRotatedOnDemandAndAudited() throws Exception {
        String before = password();

        assertTrue(enrollment.rotateSipPassword(MAC, "sip", "revoked: device 00809f000001 is revoked"));
        assertFalse(enrollment.rotateSipPassword(MacAddress.parse("00809f0000ff"), "sip", "revoked"));

        assertNotEquals(before, password());
        assertTrue(hub.adminJson("GET", "/admin/v1/audit?mac=" + MAC, null).getContentAsString()
                .contains("\"action\":\"rotate-sip-password\""));
    }

    @Test
    void aTenantMayRequireOrOnlyWantClientCertificatesOrFollowTheHub() {
        Tenants tenants = hub.provisioning.tenants();
        assertEquals(Optional.empty(), tenants.sipClientCertificate(Tenants.DEFAULT), "follows the hub");

        tenants.sipClientCertificate(Tenants.DEFAULT, "required");
        assertEquals(Optional.of("required"), tenants.sipClientCertificate(Tenants.DEFAULT));
        tenants.sipClientCertificate(Tenants.DEFAULT, null);
        assertEquals(Optional.empty(), tenants.sipClientCertificate(Tenants.DEFAULT));

        ProvisioningException bad = assertThrows(ProvisioningException.class,
                () -> tenants.sipClientCertificate(Tenants.DEFAULT, "optional"));
        assertEquals("invalid-setting", bad.reason());
        assertEquals(Optional.empty(), tenants.sipClientCertificate(Tenants.DEFAULT), "nothing changed");
        assertEquals("not-found", assertThrows(ProvisioningException.class,
                () -> tenants.sipClientCertificate("nobody", "wanted")).reason());
    }

    private String password() {
        return enrollment.find("default", MAC).sipPassword();
    }
}
