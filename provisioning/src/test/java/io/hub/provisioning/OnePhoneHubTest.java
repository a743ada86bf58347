package io.hub.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeEach;

/** A {@link HubTest} whose hub has one phone enrolled, {@link #MAC}, a Myriad M7 on extension 1001. */
abstract class OnePhoneHubTest extends HubTest {

    static final String MAC = "00809faabbcc";
    /** The phone's configuration on the device side. */
    static final String CONFIG = "/prov/v1/config/" + MAC + ".xml";

    @BeforeEach
    void enrollOnePhone() throws Exception {
        assertEquals(201, hub.adminJson("POST", "/admin/v1/devices",
                "{\"mac\": \"" + MAC + "\", \"model\": \"Myriad M7\", \"extension\": \"1001\"}").getStatus());
    }
}
