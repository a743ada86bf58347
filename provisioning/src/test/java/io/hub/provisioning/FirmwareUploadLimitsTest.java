package io.hub.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.provisioning.firmware.FirmwareImage;
import io.hub.provisioning.http.Responses;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Firmware uploads over the real admin HTTPS with small limits: an image past {@code firmwareMaxBytes}
 * (declared or streamed), a tenant past its quota, an upload cut off mid-body, and two uploads of
 * one version at once. After every refusal nothing is stored and no file is left.
 */
class FirmwareUploadLimitsTest {

    private static final String UPLOAD = "/admin/v1/firmware?model=Myriad%20M7&version=";

    @TempDir
    Path home;

    private TestHub hub;

    @BeforeEach
    void start() throws Exception {
        hub = TestHub.start(home, new FirmwareLimits(4_000, 10_000));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void anImagePastTheLimitIs413WithItsReasonWhetherDeclaredOrStreamed() throws Exception {
        ContentResponse declared = hub.admin("POST", UPLOAD + "1.0", "application/octet-stream", new byte[4_001]);

        assertEquals(413, declared.getStatus());
        JsonNode body = Responses.JSON.readTree(declared.getContent());
        assertEquals("too-large", body.get("error").asText());
        assertTrue(body.toString().contains("at most 4000 bytes (firmwareMaxBytes)"), body.toString());

        // Chunked: no length to refuse up front, so the copy stops at the limit.
        String streamed = rawUpload("1.1", "Transfer-Encoding: chunked\r\n",
                "2710\r\n" + "x".repeat(10_000) + "\r\n0\r\n\r\n");
        assertTrue(streamed.startsWith("HTTP/1.1 413"), streamed);
        assertTrue(streamed.contains("\"error\":\"too-large\""), streamed);

        assertEquals(List.of(), filesInStore(), "no image and no partial file");
        assertEquals(0, hub.provisioning.firmware().list("default").size());
    }

    @Test
    void aTenantPastItsQuotaIs507UntilItDeletesAnImage() throws Exception {
        for (String version : List.of("1.0", "1.1")) {
            assertEquals(201, hub.admin("POST", UPLOAD + version, "application/octet-stream", new byte[4_000])
                    .getStatus());
        }
        ContentResponse over = hub.admin("POST", UPLOAD + "1.2", "application/octet-stream", new byte[3_000]);

        assertEquals(507, over.getStatus());
        JsonNode body = Responses.JSON.readTree(over.getContent());
        assertEquals("firmware-quota", body.get("error").asText());
        assertTrue(body.toString().contains("take 8000 of its 10000 bytes (firmwareQuotaBytes)"), body.toString());
        assertEquals(2, filesInStore().size());

        String streamedOver = rawUpload("1.3", "Transfer-Encoding: chunked\r\n",
                "bb8\r\n" + "y".repeat(3_000) + "\r\n0\r\n\r\n");
        assertTrue(streamedOver.startsWith("HTTP/1.1 507"), streamedOver);
        assertEquals(2, filesInStore().size(), "the partial file is gone");

        assertEquals(204, hub.adminJson("DELETE", "/admin/v1/firmware/Myriad%20M7/1.0", null).getStatus());
        assertEquals(201, hub.admin("POST", UPLOAD + "1.2", "application/octet-stream", new byte[3_000]).getStatus());
        assertEquals(7_000, hub.provisioning.firmware().usedBytes("default"));
    }

    @Test
    void anUploadCutOffMidBodyIsAuditedWithItsReasonAndLeavesNothing() throws Exception {
        try (SSLSocket socket = hub.rawTls(hub.provisioning.adminPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(head("2.0", "Content-Length: 3500\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1_000]);
            out.flush();
        }

        JsonNode event = awaitAuditOf("firmware-upload");
        assertEquals("refused", event.get("outcome").asText());
        assertEquals("truncated-upload", event.get("reason").asText());
        assertTrue(event.get("detail").asText().startsWith("Myriad M7 2.0: "), event.toString());
        assertEquals(List.of(), filesInStore());
        assertTrue(hub.provisioning.firmware().find("default", "Myriad M7", "2.0").isEmpty());
    }

    @Test
    void twoUploadsOfOneVersionAtOnceStoreOneImageWhoseFileMatchesItsDigest() throws Exception {
        byte[] first = new byte[3_000];
        byte[] second = new byte[3_000];
        Arrays.fill(first, (byte) 1);
        Arrays.fill(second, (byte) 2);
        try (SSLSocket a = hub.rawTls(hub.provisioning.adminPort());
                SSLSocket b = hub.rawTls(hub.provisioning.adminPort())) {
            String head = head("3.0", "Content-Length: 3000\r\n");
            for (SSLSocket socket : List.of(a, b)) {
                socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().write(first, 0, 1_000);
                socket.getOutputStream().flush();
            }
            // Both are past the "is it stored yet" check once each streams into a file of its own.
            for (int i = 0; i < 300 && partFiles() < 2; i++) {
                Thread.sleep(20);
            }
            assertEquals(2, partFiles(), "both uploads are under way at once");
            a.getOutputStream().write(first, 1_000, 2_000);
            a.getOutputStream().flush();
            b.getOutputStream().write(second, 1_000, 2_000);
            b.getOutputStream().flush();

            List<String> statuses = List.of(statusLine(a), statusLine(b));
            assertEquals(1, statuses.stream().filter(s -> s.startsWith("HTTP/1.1 201")).count(), statuses.toString());
            assertEquals(1, statuses.stream().filter(s -> s.startsWith("HTTP/1.1 409")).count(), statuses.toString());
        }
        FirmwareImage stored = hub.provisioning.firmware().find("default", "Myriad M7", "3.0").orElseThrow();
        assertEquals(stored.sha256(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(stored.file()))), "the file served is the image recorded");
        assertEquals(List.of(stored.file()), filesInStore());
    }

    private static String head(String version, String lengthHeader) {
        return "POST " + UPLOAD + version + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TestHub.TOKEN
                + "\r\nContent-Type: application/octet-stream\r\n" + lengthHeader + "\r\n";
    }

    /** Sends one upload as written and returns the whole answer (the hub closes after refusing a body). */
    private String rawUpload(String version, String lengthHeader, String body) throws Exception {
        try (SSLSocket socket = hub.rawTls(hub.provisioning.adminPort())) {
            socket.getOutputStream().write((head(version, lengthHeader).replace("\r\n\r\n",
                    "\r\nConnection: close\r\n\r\n") + body).getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(readAll(socket.getInputStream()), StandardCharsets.UTF_8);
        }
    }

    private static byte[] readAll(InputStream in) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try {
            in.transferTo(all);
        } catch (java.net.SocketException | javax.net.ssl.SSLException reset) {
            // The hub may reset a connection whose body it stopped reading: what came before counts.
        }
        return all.toByteArray();
    }

    private static String statusLine(SSLSocket socket) throws Exception {
        StringBuilder line = new StringBuilder();
        InputStream in = socket.getInputStream();
        for (int c = in.read(); c >= 0 && c != '\r' && line.length() < 200; c = in.read()) {
            line.append((char) c);
        }
        return line.toString();
    }

    private JsonNode awaitAuditOf(String action) throws Exception {
        for (int i = 0; i < 300; i++) {
            for (JsonNode event : Responses.JSON.readTree(hub.adminJson("GET", "/admin/v1/audit", null).getContent())
                    .get("events")) {
                if (action.equals(event.get("action").asText())) {
                    return event;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + action + " in the audit log");
    }

    private List<Path> filesInStore() throws Exception {
        if (!Files.exists(home.resolve("firmware"))) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(home.resolve("firmware"))) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private long partFiles() throws Exception {
        return filesInStore().stream().filter(p -> p.getFileName().toString().endsWith(".part")).count();
    }
}
