package io.hub.provisioning;

import org.junit.jupiter.api.BeforeEach;

/** A {@link HubTest} whose hub has one phone enrolled, {@link #MAC}, a Myriad M7 on extension 1001. */
abstract class OnePhoneHubTest extends HubTest {

    static final String MAC = "00809faabbcc";
    /** The phone's configuration on the device side. */
    static final String CONFIG = "/prov/v1/config/" + MAC + ".xml";

    @BeforeEach
    void enrollOnePhone() throws Exception {
        hub.enroll(MAC, "Myriad M7", "1001");
    }
}
