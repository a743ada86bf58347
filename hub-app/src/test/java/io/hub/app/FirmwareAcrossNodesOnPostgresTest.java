package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.DeviceCertificateRequest;
import io.hub.pki.DeviceCertificates;
import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import io.hub.provisioning.firmware.FirmwareImage;
import io.hub.sip.SipTestClient;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL: a firmware image uploaded on node A is served by node B, byte for byte,
 * from the database's copy; a copy that is damaged or missing is refused with its reason, and node B
 * leaves no file of it behind.
 */
class FirmwareAcrossNodesOnPostgresTest {

    private static final String MAC = "00809faabbcc";
    private static final String MODEL = "Myriad M7";

    @TempDir
    Path dir;
    private ClusterNodes nodes;
    private Hub a;
    private Hub b;
    private HttpClient phoneOnB;

    @BeforeEach
    void twoNodesAndAPhone() throws Exception {
        nodes = ClusterNodes.onSharedPostgres(dir);
        a = nodes.start("a");
        nodes.copyHome("a", "b");
        b = nodes.start("b");
        ClusterNodes.enroll(a, MAC, "1001");
        DeviceCertificates.IssuedCertificate phone = a.pki().issueDeviceCertificate(
                DeviceCertificateRequest.of(MacAddress.parse(MAC), MODEL), dir.resolve("phone"));
        phoneOnB = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(SipTestClient.context(PemFiles.readCertificate(b.pki().file(HubPki.HUB_CA_CERTIFICATE)),
                        phone.certificate(), phone.keys().getPrivate())).build();
    }

    @AfterEach
    void stop() {
        b.close();
        a.close();
    }

    @Test
    void anImageUploadedOnNodeAIsServedByNodeBWithTheSameBytesAndDigest() throws Exception {
        byte[] image = image(700 * 1024); // three pieces in the database
        uploadOnA("2.1.0", image);
        assertEquals(List.of(), filesOnB(), "node B holds no file of it before a phone asks");

        HttpResponse<byte[]> served = downloadOnB("2.1.0");

        assertEquals(200, served.statusCode());
        assertArrayEquals(image, served.body());
        String digest = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(image));
        assertEquals("sha-256=:" + digest + ":", served.headers().firstValue("Repr-Digest").orElseThrow());
        Path onB = nodes.home("b").firmwareDirectory().resolve("myriad-m7").resolve("2.1.0.bin");
        assertArrayEquals(image, Files.readAllBytes(onB), "node B keeps the checked copy as its file");
        assertArrayEquals(image, downloadOnB("2.1.0").body(), "and serves it again from there");
    }

    @Test
    void aDamagedCopyInTheDatabaseIsRefusedWithItsReasonAndNotServed() throws Exception {
        uploadOnA("2.2.0", image(600 * 1024));
        try (Connection database = DriverManager.getConnection(nodes.url);
                PreparedStatement damage = database.prepareStatement(
                        "UPDATE firmware_chunk SET bytes = ? WHERE version = '2.2.0' AND seq = 1")) {
            damage.setBytes(1, image(256 * 1024));
            assertEquals(1, damage.executeUpdate());
        }

        assertRefusedOnB("2.2.0", "does not match the catalogue");
    }

    @Test
    void anImageWithNoCopyInTheDatabaseIsRefusedWithItsReason() throws Exception {
        uploadOnA("2.3.0", image(10 * 1024));
        try (Connection database = DriverManager.getConnection(nodes.url);
                PreparedStatement lose = database.prepareStatement(
                        "DELETE FROM firmware_chunk WHERE version = '2.3.0'")) {
            assertEquals(1, lose.executeUpdate());
        }

        assertRefusedOnB("2.3.0", "holds no copy");
    }

    @Test
    void deletingAnImageOnNodeARemovesItsCopyFromTheDatabase() throws Exception {
        uploadOnA("2.4.0", image(300 * 1024));

        a.provisioning().firmware().delete("default", MODEL, "2.4.0");

        try (Connection database = DriverManager.getConnection(nodes.url);
                PreparedStatement count = database.prepareStatement("SELECT COUNT(*) FROM firmware_chunk");
                java.sql.ResultSet row = count.executeQuery()) {
            row.next();
            assertEquals(0, row.getInt(1));
        }
        assertEquals(404, downloadOnB("2.4.0").statusCode());
    }

    private FirmwareImage uploadOnA(String version, byte[] image) {
        return a.provisioning().firmware().upload("default", MODEL, version, new ByteArrayInputStream(image),
                image.length);
    }

    private HttpResponse<byte[]> downloadOnB(String version) throws Exception {
        return phoneOnB.send(HttpRequest.newBuilder(URI.create("https://localhost:" + b.provisioning().devicePort()
                + "/prov/v1/firmware/Myriad%20M7/" + version)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private List<Path> filesOnB() throws Exception {
        Path directory = nodes.home("b").firmwareDirectory();
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static byte[] image(int size) {
        byte[] image = new byte[size];
        new Random(size).nextBytes(image);
        return image;
    }

    /** Node B answers 503 firmware-unavailable with {@code reason} in its body, and keeps no file of the image. */
    private void assertRefusedOnB(String version, String reason) throws Exception {
        HttpResponse<byte[]> refused = downloadOnB(version);

        assertEquals(503, refused.statusCode());
        String body = new String(refused.body(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("firmware-unavailable", refused.headers().firstValue("X-Hub-Reason").orElse(""), body);
        assertTrue(body.contains(reason), body);
        assertEquals(List.of(), filesOnB(), "nothing of the refused copy is left on node B");
    }
}
