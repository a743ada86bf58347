package io.hub.provisioning.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.hub.pki.MacAddress;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.provisioning.http.Responses;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/** What the admin routes read from a request, each malformed part refused with its own cause. */
final class AdminInput {

    private static final int MAX_JSON_BYTES = 64 * 1024;
    private static final Set<String> DEVICE_FIELDS = Set.of("mac", "model", "extension", "displayName", "site",
            "region", "state", "settings", "certificateSha256");

    private AdminInput() {
    }

    /** The body as a JSON object; 413 beyond 64 KiB, 400 {@code invalid-json} for anything else. */
    static JsonNode jsonBody(Request request) throws IOException {
        byte[] body;
        try {
            body = Responses.body(request, MAX_JSON_BYTES);
        } catch (Responses.BodyTooLargeException e) {
            throw new ProvisioningException(Refusal.TOO_LARGE, e.getMessage());
        }
        try {
            JsonNode node = Responses.JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new ProvisioningException(Refusal.INVALID_JSON, "the body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ProvisioningException(Refusal.INVALID_JSON, "the body is not JSON: " + e.getOriginalMessage());
        }
    }

    /** A string field, or null when absent or null. */
    static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new ProvisioningException(Refusal.INVALID_JSON, field + " must be a string");
        }
        return value.asText();
    }

    /** The field names of {@code body} that are not in {@code known}. */
    static List<String> unknownFields(JsonNode body, Set<String> known) {
        List<String> unknown = new ArrayList<>();
        body.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                unknown.add(name);
            }
        });
        return unknown;
    }

    static MacAddress mac(String text) {
        try {
            return MacAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ProvisioningException(Refusal.MALFORMED_MAC, e.getMessage());
        }
    }

    /** The query parameter {@code name} as a number from {@code min} to {@code max}; {@code fallback} when absent. */
    static int number(Fields query, String name, int fallback, int min, int max) {
        return number(query.getValue(name), name, fallback, min, max);
    }

    /** As {@link #number(Fields, String, int, int, int)} from 0, but blank is absent and spaces are ignored: the console's forms. */
    static int formNumber(Fields query, String name, int fallback, int max) {
        String value = query.getValue(name);
        return number(value == null || value.isBlank() ? null : value.strip(), name, fallback, 0, max);
    }

    private static int number(String value, String name, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // Refused below.
        }
        throw new ProvisioningException(Refusal.INVALID_QUERY, name + " must be a number from " + min + " to " + max);
    }

    /** A JSON object of string values as a settings layer; null when absent. */
    static Map<String, String> settings(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new ProvisioningException(Refusal.INVALID_SETTING, "settings must be an object of key to value");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!entry.getValue().isValueNode() || entry.getValue().isNull()) {
                throw new ProvisioningException(Refusal.INVALID_SETTING,
                        entry.getKey() + " must be a string or number");
            }
            settings.put(entry.getKey(), entry.getValue().asText());
        }
        return settings;
    }

    /** A device as the API sends it (POST, PATCH); an unknown field is refused. */
    static DeviceDraft draft(JsonNode body) {
        List<String> unknown = unknownFields(body, DEVICE_FIELDS);
        if (!unknown.isEmpty()) {
            throw new ProvisioningException(Refusal.INVALID_DEVICE, "unknown field(s) " + unknown + "; expected "
                    + "mac, model, extension, displayName, site, region, state, settings, certificateSha256");
        }
        return new DeviceDraft(text(body, "mac"), text(body, "model"), text(body, "extension"),
                text(body, "displayName"), text(body, "site"), text(body, "region"), text(body, "state"),
                settings(body.get("settings")), text(body, "certificateSha256"));
    }

    /** 403 {@code operator-only} unless the caller is the operator. */
    static void requireOperator(AdminCall call, String what) {
        if (!call.isOperator()) {
            throw new ProvisioningException(Refusal.OPERATOR_ONLY, what + " is for the operator (the token in "
                    + "var/admin-token) only");
        }
    }
}
