package io.hub.provisioning.deviceapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.provisioning.http.Responses;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * What a phone reports about itself: {@code {"firmware": "…", "ip": "…", "dhcp": {"43": "…",
 * "66": "…", "67": "…"}}}. DHCP values are the raw option contents as the phone received them.
 *
 * @param dhcpReported whether the report has a {@code dhcp} object at all: only then does an absent
 *     option mean the phone did not get it
 */
record StatusReport(String firmware, String ip, boolean dhcpReported, String dhcp43, String dhcp66, String dhcp67) {

    private static final Set<String> FIELDS = Set.of("firmware", "ip", "dhcp", "userAgent");
    private static final Set<String> OPTIONS = Set.of("43", "66", "67");

    /** @throws IllegalArgumentException naming what is wrong */
    static StatusReport parse(byte[] body) {
        JsonNode root;
        try {
            root = Responses.JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the status report is not JSON: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the status report must be a JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException("unknown field '" + name + "'; expected " + FIELDS);
            }
        }
        JsonNode dhcp = root.path("dhcp");
        if (!dhcp.isMissingNode() && !dhcp.isObject()) {
            throw new IllegalArgumentException("dhcp must be an object of option number to raw value");
        }
        for (Map.Entry<String, JsonNode> option : dhcp.properties()) {
            if (!OPTIONS.contains(option.getKey()) || !option.getValue().isTextual()) {
                throw new IllegalArgumentException("dhcp option '" + option.getKey() + "' is not 43, 66 or 67 with a "
                        + "text value");
            }
        }
        return new StatusReport(text(root, "firmware"), text(root, "ip"), dhcp.isObject(), text(dhcp, "43"),
                text(dhcp, "66"), text(dhcp, "67"));
    }

    /** The reported DHCP options by code; absent ones are left out. */
    Map<Integer, String> dhcpOptions() {
        Map<Integer, String> options = new java.util.LinkedHashMap<>();
        if (dhcp43 != null) {
            options.put(43, dhcp43);
        }
        if (dhcp66 != null) {
            options.put(66, dhcp66);
        }
        if (dhcp67 != null) {
            options.put(67, dhcp67);
        }
        return options;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return value.asText();
    }
}
