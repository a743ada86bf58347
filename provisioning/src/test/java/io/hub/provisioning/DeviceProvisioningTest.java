package io.hub.provisioning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.provisioning.http.Responses;
import java.io.ByteArrayInputStream;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** A phone's whole boot over real mutual TLS: enroll, discovery, configuration, firmware, status. */
class DeviceProvisioningTest extends PhoneHubTest {

    @Test
    void enrollThenDiscoveryThenConfigurationThenFirmwareThenStatus() throws Exception {
        ContentResponse enrolled = hub.adminJson("POST", "/admin/v1/devices", """
                {"mac": "00-80-9F-AA-BB-CC", "model": "myriad m7", "extension": "1001",
                 "displayName": "</x><y> & Reception", "site": "Paris", "region": "eu1"}""");
        assertEquals(201, enrolled.getStatus(), enrolled.getContentAsString());
        JsonNode device = Responses.JSON.readTree(enrolled.getContent());
        assertEquals("00809faabbcc", device.get("mac").asText());
        assertEquals("Myriad M7", device.get("model").asText());

        byte[] image = new byte[300_000];
        new Random(7).nextBytes(image);
        assertEquals(201, hub.admin("POST", "/admin/v1/firmware?model=Myriad%20M7&version=2.1.0",
                "application/octet-stream", image).getStatus());
        assertEquals(200, hub.adminJson("PUT", "/admin/v1/firmware/target",
                "{\"model\": \"Myriad M7\", \"version\": \"2.1.0\"}").getStatus());

        ContentResponse discovery = phone.get("/rdd/v1/discovery");
        assertEquals(200, discovery.getStatus(), discovery.getContentAsString());
        Document discoveryXml = xml(discovery.getContent());
        assertEquals("ready", xpath(discoveryXml, "/discovery/@state"));
        String configUrl = xpath(discoveryXml, "/discovery/config/@url");
        assertEquals(hub.deviceUrl("/prov/v1/config/00809faabbcc.xml"), configUrl);
        assertEquals("5061", xpath(discoveryXml, "/discovery/sip/@port"));
        assertEquals("2.1.0", xpath(discoveryXml, "/discovery/firmware/@version"));
        assertEquals(hex(sha256(image)), xpath(discoveryXml, "/discovery/firmware/@sha256"));

        ContentResponse config = phone.get("/prov/v1/config/00809faabbcc.xml");
        assertEquals(200, config.getStatus(), config.getContentAsString());
        Document configXml = xml(config.getContent());
        assertEquals("00809faabbcc", xpath(configXml, "/deviceConfig/@mac"));
        assertEquals("localhost", xpath(configXml, "/deviceConfig/sip/registrar/@host"));
        assertEquals("5061", xpath(configXml, "/deviceConfig/sip/registrar/@port"));
        assertEquals("tls", xpath(configXml, "/deviceConfig/sip/registrar/@transport"));
        assertEquals("1001", xpath(configXml, "/deviceConfig/sip/account/@user"));
        assertEquals("</x><y> & Reception", xpath(configXml, "/deviceConfig/sip/account/@displayName"));
        assertTrue(xpath(configXml, "/deviceConfig/sip/account/@password").length() >= 20);
        assertEquals("mandatory", xpath(configXml, "/deviceConfig/media/@srtp"));
        assertEquals("2.1.0", xpath(configXml, "/deviceConfig/firmware/@version"));
        String firmwareUrl = xpath(configXml, "/deviceConfig/firmware/@url");
        assertEquals(hub.deviceUrl("/prov/v1/firmware/Myriad%20M7/2.1.0"), firmwareUrl);
        String etag = config.getHeaders().get("ETag");
        assertEquals(304, phone.get("/prov/v1/config/00809faabbcc.xml", "If-None-Match", etag).getStatus());

        ContentResponse full = phone.get("/prov/v1/firmware/Myriad%20M7/2.1.0");
        assertEquals(200, full.getStatus());
        assertArrayEquals(image, full.getContent());
        assertEquals("sha-256=:" + Base64.getEncoder().encodeToString(sha256(image)) + ":",
                full.getHeaders().get("Repr-Digest"));
        assertEquals(String.valueOf(image.length), full.getHeaders().get("Content-Length"));
        ContentResponse range = phone.get("/prov/v1/firmware/Myriad%20M7/2.1.0", "Range", "bytes=1000-1999");
        assertEquals(206, range.getStatus());
        assertEquals("bytes 1000-1999/300000", range.getHeaders().get("Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(image, 1000, 2000), range.getContent());
        ContentResponse suffix = phone.get("/prov/v1/firmware/Myriad%20M7/2.1.0", "Range", "bytes=-10");
        assertArrayEquals(Arrays.copyOfRange(image, image.length - 10, image.length), suffix.getContent());
        ContentResponse unsatisfiable = phone.get("/prov/v1/firmware/Myriad%20M7/2.1.0", "Range", "bytes=400000-");
        assertEquals(416, unsatisfiable.getStatus());
        assertEquals("bytes */300000", unsatisfiable.getHeaders().get("Content-Range"));

        ContentResponse status = phone.post("/prov/v1/status/00809faabbcc", """
                {"firmware": "2.1.0", "ip": "192.168.1.20",
                 "dhcp": {"66": "tftp://10.1.1.5", "67": "myriad.cfg"}}""");
        assertEquals(204, status.getStatus(), status.getContentAsString());
        assertEquals(1.0, hub.metrics.get("hub.http.rate.keys").tags("port", "device", "limit",
                "status-reports-per-device").gauge().value(), "the one phone's status budget is a metric");

        JsonNode shown = Responses.JSON.readTree(hub.adminJson("GET", "/admin/v1/devices/0080.9faa.bbcc", null)
                .getContent());
        assertEquals("status", shown.at("/lastContact/kind").asText());
        assertEquals("2.1.0", shown.at("/lastContact/firmware").asText());
        assertEquals("tftp://10.1.1.5", shown.at("/lastContact/dhcp66").asText());
        assertEquals("127.0.0.1", shown.at("/lastContact/sourceIp").asText());
    }

    @Test
    void anEnrolledPhoneWithoutAUserIsToldSo() throws Exception {
        hub.adminJson("POST", "/admin/v1/devices", "{\"mac\": \"" + MAC + "\", \"model\": \"Myriad M7\"}");

        ContentResponse discovery = phone.get("/rdd/v1/discovery");
        ContentResponse config = phone.get("/prov/v1/config/00809faabbcc.xml");

        assertEquals(200, discovery.getStatus());
        assertEquals("unassigned", xpath(xml(discovery.getContent()), "/discovery/@state"));
        assertEquals(409, config.getStatus());
        assertEquals("not-assigned", config.getHeaders().get("X-Hub-Reason"));
    }

    @Test
    void aValidButUnenrolledPhoneIsClaimable() throws Exception {
        ContentResponse discovery = phone.get("/rdd/v1/discovery");

        assertEquals(404, discovery.getStatus());
        assertEquals("not-enrolled", discovery.getHeaders().get("X-Hub-Reason"));
        JsonNode claimable = Responses.JSON.readTree(hub.adminJson("GET", "/admin/v1/devices/claimable", null)
                .getContent());
        assertEquals("00809faabbcc", claimable.at("/devices/0/mac").asText());
        assertEquals("Myriad M7", claimable.at("/devices/0/model").asText());
        assertEquals("dev-manufacturer", claimable.at("/devices/0/issuer").asText());

        hub.adminJson("POST", "/admin/v1/devices", "{\"mac\": \"" + MAC + "\", \"model\": \"Myriad M7\"}");
        assertEquals(0, Responses.JSON.readTree(hub.adminJson("GET", "/admin/v1/devices/claimable", null)
                .getContent()).get("devices").size(), "enrolling claims it");
    }

    @Test
    void firmwareOnlyGoesToPhonesOfItsModel() throws Exception {
        hub.adminJson("POST", "/admin/v1/devices", "{\"mac\": \"" + MAC + "\", \"model\": \"Myriad M7\", "
                + "\"extension\": \"1001\"}");
        hub.admin("POST", "/admin/v1/firmware?model=Halo%20H6P&version=1.0", "application/octet-stream",
                new byte[] {1, 2, 3});

        ContentResponse other = phone.get("/prov/v1/firmware/Halo%20H6P/1.0");

        assertEquals(403, other.getStatus());
        assertEquals("wrong-model", other.getHeaders().get("X-Hub-Reason"));
    }

    private static Document xml(byte[] body) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(body));
    }

    private static String xpath(Document document, String expression) throws Exception {
        return XPathFactory.newInstance().newXPath().evaluate(expression, document);
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }

}
