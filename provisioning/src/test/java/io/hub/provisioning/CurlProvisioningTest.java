package io.hub.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a person does with curl and the files {@code hub pki device-cert} writes. */
class CurlProvisioningTest {

    @TempDir
    Path home;

    @Test
    void curlWithThePhonesCertificateFetchesItsConfiguration() throws Exception {
        try (TestHub hub = TestHub.start(home)) {
            hub.phone("00:80:9f:aa:bb:cc", "Myriad M7").close();
            hub.adminJson("POST", "/admin/v1/devices",
                    "{\"mac\": \"00809faabbcc\", \"model\": \"Myriad M7\", \"extension\": \"1001\"}");
            Path phone = hub.phoneDirectory("00:80:9f:aa:bb:cc");

            Result config = curl(hub, "--cert", phone.resolve("cert.pem").toString(), "--key",
                    phone.resolve("key.pem").toString(), hub.deviceUrl("/prov/v1/config/00809faabbcc.xml"));
            Result anonymous = curl(hub, hub.deviceUrl("/prov/v1/config/00809faabbcc.xml"));

            assertEquals("200", config.status, config.body);
            assertTrue(config.body.contains("<deviceConfig mac=\"00809faabbcc\""), config.body);
            assertTrue(config.body.contains("user=\"1001\""), config.body);
            assertEquals("403", anonymous.status);
            assertTrue(anonymous.body.contains("reason=\"no-certificate\""), anonymous.body);
            assertTrue(!anonymous.body.contains("deviceConfig"));
        }
    }

    private static Result curl(TestHub hub, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--cacert",
                hub.pki.file("ca.pem").toString(), "-w", "\n%{http_code}"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        int split = output.lastIndexOf('\n');
        return new Result(output.substring(split + 1).strip(), output.substring(0, split));
    }

    private record Result(String status, String body) {
    }
}
