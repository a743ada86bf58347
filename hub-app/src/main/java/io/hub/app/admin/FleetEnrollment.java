package io.hub.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.app.HubHome;
import io.hub.app.UserError;
import io.hub.pki.MacAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Enrolls the phones of {@code hub phone fleet --enroll} through the running hub's admin API, as
 * one CSV import (all or nothing): the phones the tenant already has are left as they are, each
 * other one is created with the extension {@code firstExtension + its index in the fleet}, so a
 * phone keeps its extension from one run to the next.
 */
public final class FleetEnrollment {

    private static final int PAGE = 1000;

    private final AdminClient client;

    private FleetEnrollment(AdminClient client) {
        this.client = client;
    }

    /** Against the hub of {@code home} (or {@code adminUrl}), with the home's admin token (or {@code tokenFile}). */
    public static FleetEnrollment of(HubHome home, URI adminUrl, Path tokenFile) {
        return new FleetEnrollment(AdminOptions.client(home, adminUrl, tokenFile));
    }

    /** @return how many phones were enrolled now (the others already were) */
    public int enroll(List<MacAddress> macs, String model, long firstExtension) {
        Set<String> known = enrolled();
        StringBuilder csv = new StringBuilder("action,macAddress,deviceType,extension\n");
        int created = 0;
        for (int i = 0; i < macs.size(); i++) {
            if (!known.contains(macs.get(i).value())) {
                csv.append("create,").append(macs.get(i).value()).append(",\"").append(model.replace("\"", "\"\""))
                        .append("\",").append(firstExtension + i).append('\n');
                created++;
            }
        }
        if (created == 0) {
            return 0;
        }
        JsonNode report = client.send("POST", "admin/v1/devices/import", "text/csv",
                HttpRequest.BodyPublishers.ofString(csv.toString()));
        if (report.path("errors").size() > 0) {
            JsonNode first = report.path("errors").get(0);
            throw new UserError("the hub refused to enroll the fleet (" + report.path("errorCount").asInt()
                    + " bad phone(s); the first: " + first.path("reason").asText() + "); nothing was enrolled");
        }
        return report.path("created").asInt();
    }

    private Set<String> enrolled() {
        Set<String> macs = new HashSet<>();
        for (int page = 0; page < 1_000; page++) {
            JsonNode devices = client.json("GET", "admin/v1/devices?size=" + PAGE + "&page=" + page, null)
                    .path("devices");
            devices.forEach(device -> macs.add(MacAddress.parse(device.path("mac").asText()).value()));
            if (devices.size() < PAGE) {
                break;
            }
        }
        return macs;
    }
}
