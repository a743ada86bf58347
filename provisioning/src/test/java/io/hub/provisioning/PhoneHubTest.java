package io.hub.provisioning;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A {@link HubTest} with one phone, {@link #MAC}, a Myriad M7 holding a factory certificate of the
 * development manufacturer; not enrolled: the test decides what the hub knows of it.
 */
abstract class PhoneHubTest extends HubTest {

    static final String MAC = "00809faabbcc";

    TestHub.Phone phone;

    @BeforeEach
    void makeThePhone() throws Exception {
        phone = hub.phone(MAC, "Myriad M7");
    }

    @AfterEach
    void closeThePhone() {
        phone.close();
    }
}
