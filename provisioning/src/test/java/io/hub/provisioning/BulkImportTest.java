package io.hub.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.provisioning.http.Responses;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;

/** Bulk enrollment over the admin API: all or nothing, every bad line named. */
class BulkImportTest extends HubTest {

    private static final String HEADER = "action,macAddress,deviceType,extension,displayName,site,region\n";

    @Test
    void tenThousandLinesImportAtOnce() throws Exception {
        ContentResponse response = importCsv(fleet(10_000, -1), false);

        assertEquals(200, response.getStatus(), response.getContentAsString());
        JsonNode report = json(response);
        assertTrue(report.get("applied").asBoolean());
        assertEquals(10_000, report.get("created").asInt());
        assertEquals(10_000, deviceCount());
    }

    @Test
    void oneBadLineImportsNothingAndIsReportedByNumber() throws Exception {
        ContentResponse response = importCsv(fleet(10_000, 7_777), false);

        assertEquals(422, response.getStatus());
        JsonNode report = json(response);
        assertEquals(false, report.get("applied").asBoolean());
        assertEquals(1, report.get("errors").size());
        assertEquals(7_779, report.at("/errors/0/line").asInt(), "line numbers count the header as line 1");
        assertTrue(report.at("/errors/0/reason").asText().startsWith("unknown deviceType 'Myriad M9'"),
                report.toString());
        assertEquals(0, deviceCount(), "nothing was imported");
    }

    @Test
    void aFileOfManyBadLinesReportsTheFirstThousandAndCountsThemAll() throws Exception {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 0; i < 20_000; i++) {
            csv.append("x\n");
        }
        ContentResponse response = importCsv(csv.toString(), false);

        assertEquals(422, response.getStatus());
        JsonNode report = json(response);
        assertEquals(1_000, report.get("errors").size());
        assertEquals(20_000, report.get("errorCount").asInt());
        assertEquals(2, report.at("/errors/0/line").asInt());
        assertEquals(0, deviceCount(), "nothing was imported");
    }

    @Test
    void everyBadLineIsReported() throws Exception {
        String csv = HEADER
                + "create,00809f000001,Myriad M7,1001,Alice,Paris,eu1\n"
                + "create,00:80:9f:00:00:02,Halo H6P,1002,\"Bob, \"\"the\"\" builder\",Paris,na1\n"
                + "create,zz809f000003,Myriad M7,1003,,,\n"
                + "create,00809f000001,Myriad M7,1004,,,\n"
                + "create,00809f000005,Myriad M7,1001,,,\n"
                + "update,00809f000006,Myriad M7,,,,\n"
                + "replace,00809f000007,Myriad M7,,,,\n"
                + "create,00809f000008,Myriad M7,,,,mars\n"
                + "create,00809f000009,Myriad M7\n";

        JsonNode report = json(importCsv(csv, false));

        assertEquals(7, report.get("errors").size(), report.toString());
        assertEquals(4, report.at("/errors/0/line").asInt());
        assertTrue(report.at("/errors/0/reason").asText().startsWith("malformed MAC address 'zz809f000003'"));
        assertEquals("macAddress 00809f000001 already appears on line 2", report.at("/errors/1/reason").asText());
        assertEquals("extension 1001 is already used by 00809f000001 (line 2)", report.at("/errors/2/reason").asText());
        assertEquals("device 00809f000006 is not enrolled", report.at("/errors/3/reason").asText());
        assertEquals("action 'replace' is not create, update or delete", report.at("/errors/4/reason").asText());
        assertEquals("region 'mars' is not one of [apac1, eu1, latam1, na1]", report.at("/errors/5/reason").asText());
        assertEquals("has 3 fields, the header has 7", report.at("/errors/6/reason").asText());
        assertEquals(0, deviceCount());
    }

    @Test
    void aDryRunChecksButStoresNothing() throws Exception {
        ContentResponse response = importCsv(fleet(50, -1), true);

        assertEquals(200, response.getStatus());
        assertEquals(50, json(response).get("created").asInt());
        assertEquals(false, json(response).get("applied").asBoolean());
        assertEquals(0, deviceCount());
    }

    @Test
    void updateAndDeleteLines() throws Exception {
        importCsv(fleet(3, -1), false);
        String csv = HEADER + "update,00809f000000,Halo H3P,2000,Renamed,Lyon,apac1\ndelete,00809f000001,,,,,\n";

        JsonNode report = json(importCsv(csv, false));

        assertEquals(1, report.get("updated").asInt(), report.toString());
        assertEquals(1, report.get("deleted").asInt());
        JsonNode device = json(hub.adminJson("GET", "/admin/v1/devices/00809f000000", null));
        assertEquals("Halo H3P", device.get("model").asText());
        assertEquals("Renamed", device.get("displayName").asText());
        assertEquals("apac1", device.get("region").asText());
        assertEquals(404, hub.adminJson("GET", "/admin/v1/devices/00809f000001", null).getStatus());
    }

    @Test
    void aBlankCellOfAnUpdateKeepsTheCurrentValue() throws Exception {
        importCsv(fleet(3, -1), false);
        String csv = HEADER + "update,00809f000000,,,,Lyon,\n";

        JsonNode report = json(importCsv(csv, false));

        assertEquals(1, report.get("updated").asInt(), report.toString());
        JsonNode device = json(hub.adminJson("GET", "/admin/v1/devices/00809f000000", null));
        assertEquals("Myriad M7", device.get("model").asText(), device.toString());
        assertEquals("10000", device.get("extension").asText());
        assertEquals("Phone 0", device.get("displayName").asText());
        assertEquals("Lyon", device.get("site").asText());
        assertEquals("eu1", device.get("region").asText());
    }

    @Test
    void anUpdateWithoutTheOptionalColumnsKeepsThem() throws Exception {
        importCsv(fleet(3, -1), false);

        JsonNode report = json(importCsv("action,macAddress,deviceType\nupdate,00809f000001,Halo H3P\n", false));

        assertEquals(1, report.get("updated").asInt(), report.toString());
        JsonNode device = json(hub.adminJson("GET", "/admin/v1/devices/00809f000001", null));
        assertEquals("Halo H3P", device.get("model").asText());
        assertEquals("10001", device.get("extension").asText());
        assertEquals("Site 1", device.get("site").asText());
    }

    @Test
    void aDashClearsAField() throws Exception {
        importCsv(fleet(3, -1), false);
        String csv = HEADER + "update,00809f000000,,-,-,,\n";

        JsonNode report = json(importCsv(csv, false));

        assertEquals(1, report.get("updated").asInt(), report.toString());
        JsonNode device = json(hub.adminJson("GET", "/admin/v1/devices/00809f000000", null));
        assertFalse(device.hasNonNull("extension"), device.toString());
        assertFalse(device.hasNonNull("displayName"), device.toString());
        assertEquals("Site 0", device.get("site").asText(), "a blank cell beside the dashes keeps its value");
        assertEquals("Myriad M7", device.get("model").asText());
        ContentResponse taken = importCsv(HEADER + "update,00809f000001,,10000,,,\n", false);
        assertEquals(200, taken.getStatus(), "the cleared extension is free again: " + taken.getContentAsString());
    }

    @Test
    void aDashInAColumnThatCannotBeEmptyIsRefusedWithItsLineAndNothingIsImported() throws Exception {
        importCsv(fleet(3, -1), false);
        String csv = HEADER
                + "update,00809f000000,,,Renamed,,\n"
                + "update,00809f000001,-,,,,\n"
                + "update,00809f000002,,,,,-\n"
                + "create,00809f0000ff,Myriad M7,-,-,-,\n";

        ContentResponse response = importCsv(csv, false);

        assertEquals(422, response.getStatus(), response.getContentAsString());
        JsonNode report = json(response);
        assertEquals(2, report.get("errors").size(), report.toString());
        assertEquals(3, report.at("/errors/0/line").asInt());
        assertEquals("deviceType cannot be cleared ('-'): it cannot be empty", report.at("/errors/0/reason").asText());
        assertEquals(4, report.at("/errors/1/line").asInt());
        assertEquals("region cannot be cleared ('-'): it cannot be empty", report.at("/errors/1/reason").asText());
        assertEquals("Phone 0", json(hub.adminJson("GET", "/admin/v1/devices/00809f000000", null))
                .get("displayName").asText(), "the good line was not imported either");
        assertEquals(3, deviceCount(), "the create line was not imported either");
        ContentResponse certificate = importCsv("action,macAddress,deviceType,certificateSha256\n"
                + "update,00809f000000,,-\n", false);
        assertEquals(422, certificate.getStatus());
        assertEquals("certificateSha256 cannot be cleared ('-'): it cannot be empty",
                json(certificate).at("/errors/0/reason").asText());
    }

    @Test
    void aMacOwnedByAnotherTenantIsRefused() throws Exception {
        hub.provisioning.tenants().upsert("other", "Other Company", "other-token");
        ContentResponse owned = hub.anonymousAdminClient().newRequest(hub.adminUrl("/admin/v1/devices"))
                .method("POST").headers(h -> h.put("Authorization", "Bearer other-token"))
                .body(new org.eclipse.jetty.client.StringRequestContent("application/json",
                        "{\"mac\": \"00809f000001\", \"model\": \"Myriad M5\"}")).send();
        assertEquals(201, owned.getStatus(), owned.getContentAsString());

        hub.provisioning.tenants().upsert("third", "Third Company", "third-token");
        JsonNode report = json(importCsv(fleet(3, -1), false));
        ContentResponse single = asTenant("third-token", "POST", "/admin/v1/devices",
                "{\"mac\": \"00809f000001\", \"model\": \"Myriad M5\"}");

        assertEquals("device 00809f000001 cannot be enrolled (mac-unavailable)",
                report.at("/errors/0/reason").asText());
        assertEquals(409, single.getStatus());
        assertEquals("mac-unavailable", json(single).get("error").asText());
        assertEquals("device 00809f000001 cannot be enrolled", json(single).get("message").asText(),
                single.getContentAsString());
        assertEquals(404, hub.adminJson("GET", "/admin/v1/devices/00809f000001", null).getStatus(),
                "another tenant's device is invisible");
        String tenantsAudit = asTenant("third-token", "GET", "/admin/v1/audit", null).getContentAsString();
        assertTrue(tenantsAudit.contains("mac-unavailable"), tenantsAudit);
        assertFalse(tenantsAudit.contains("tenant other") || tenantsAudit.contains("owned-by-another-tenant"),
                "the tenant does not learn whose the MAC is: " + tenantsAudit);
        String operatorsAudit = hub.adminJson("GET", "/admin/v1/audit", null).getContentAsString();
        assertTrue(operatorsAudit.contains("device 00809f000001 belongs to tenant other"), operatorsAudit);
        assertTrue(operatorsAudit.contains("owned by another tenant: 00809f000001 (tenant other)"), operatorsAudit);
    }

    @Test
    void aFileOfMillionsOfTinyLinesIsRefusedAtTheLineLimitWithoutBecomingMillionsOfObjects() throws Exception {
        // Just under the 16 MiB body cap: eight million lines of two bytes, which read whole would be
        // eight million lines and error entries, gigabytes of heap.
        byte[] csv = new byte[16 * 1024 * 1024 - 1024];
        byte[] header = HEADER.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(header, 0, csv, 0, header.length);
        for (int i = header.length; i + 1 < csv.length; i += 2) {
            csv[i] = 'x';
            csv[i + 1] = '\n';
        }

        ContentResponse response = hub.admin("POST", "/admin/v1/devices/import", "text/csv", csv);

        assertEquals(413, response.getStatus(), response.getContentAsString());
        assertEquals("too-large", json(response).get("error").asText());
        assertEquals("an import takes at most 50000 lines; this file has more: split it into several imports",
                json(response).get("message").asText());
        assertEquals(0, deviceCount(), "nothing was imported");
    }

    @Test
    void aFileAtTheLineLimitIsReadAndJudgedLineByLine() throws Exception {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 1; i < 50_000; i++) {
            csv.append("x\n");
        }
        ContentResponse response = importCsv(csv.toString(), false);

        assertEquals(422, response.getStatus(), "within the limit, every line is judged");
        assertEquals(49_999, json(response).get("errorCount").asInt());
        assertEquals(1_000, json(response).get("errors").size());
    }

    @Test
    void aFileThatIsNotUtf8IsRefusedWithItsLine() throws Exception {
        byte[] latin1 = (HEADER + "create,00809f000001,Myriad M7,1001,Zoé,Paris,eu1\n")
                .getBytes(StandardCharsets.ISO_8859_1);

        ContentResponse response = hub.admin("POST", "/admin/v1/devices/import", "text/csv", latin1);

        assertEquals(400, response.getStatus());
        assertEquals("not-utf8", json(response).get("error").asText());
        assertTrue(json(response).get("message").asText().contains("line 2"), response.getContentAsString());
    }

    @Test
    void aBadHeaderIsRefusedWhole() throws Exception {
        ContentResponse unknown = importCsv("action,mac,deviceType\ncreate,00809f000001,Myriad M7\n", false);
        ContentResponse missing = importCsv("action,macAddress\ncreate,00809f000001\n", false);
        ContentResponse empty = importCsv("", false);

        assertEquals("line 1: unknown column 'mac'; expected action, macAddress, deviceType, extension, displayName, "
                + "site, region, certificateSha256", json(unknown).get("message").asText());
        assertEquals("line 1: the header lacks the column deviceType", json(missing).get("message").asText());
        assertEquals("the file is empty: expected a header line", json(empty).get("message").asText());
    }

    @Test
    void onlyCsvIsTaken() throws Exception {
        ContentResponse response = hub.admin("POST", "/admin/v1/devices/import", "application/json",
                "{}".getBytes(StandardCharsets.UTF_8));

        assertEquals(415, response.getStatus());
    }

    private ContentResponse importCsv(String csv, boolean dryRun) throws Exception {
        return hub.admin("POST", "/admin/v1/devices/import" + (dryRun ? "?dryRun=true" : ""), "text/csv",
                csv.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code count} devices; the line at index {@code bad} (if any) names an unknown model. */
    static String fleet(int count, int bad) {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 0; i < count; i++) {
            csv.append("create,00809f").append(String.format("%06x", i)).append(',')
                    .append(i == bad ? "Myriad M9" : i % 2 == 0 ? "Myriad M7" : "Halo H6P").append(',')
                    .append(10_000 + i).append(",Phone ").append(i).append(",Site ").append(i % 10).append(",eu1\n");
        }
        return csv.toString();
    }

    private int deviceCount() throws Exception {
        int total = 0;
        for (int page = 0; ; page++) {
            JsonNode devices = json(hub.adminJson("GET", "/admin/v1/devices?size=1000&page=" + page, null))
                    .get("devices");
            total += devices.size();
            if (devices.size() < 1000) {
                return total;
            }
        }
    }

    private ContentResponse asTenant(String token, String method, String path, String body) throws Exception {
        var request = hub.anonymousAdminClient().newRequest(hub.adminUrl(path)).method(method)
                .headers(h -> h.put("Authorization", "Bearer " + token));
        if (body != null) {
            request.body(new org.eclipse.jetty.client.StringRequestContent("application/json", body));
        }
        return request.send();
    }

    private static JsonNode json(ContentResponse response) throws Exception {
        return Responses.JSON.readTree(response.getContent());
    }
}
