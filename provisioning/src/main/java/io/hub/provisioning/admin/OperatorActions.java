package io.hub.provisioning.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Operations of the whole hub that other modules publish through the admin API without provisioning
 * knowing them, such as a backup: a name and a function from the request's JSON body to a
 * JSON-serialisable answer, served at {@code POST /admin/v1/<name>} to the operator only and audited
 * under that name. A function refuses with a {@link io.hub.provisioning.ProvisioningException}.
 */
public final class OperatorActions {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z-]{0,31}");

    private final Map<String, Function<JsonNode, Object>> actions = new ConcurrentHashMap<>();

    /** Publishes {@code action} under {@code name}, replacing any earlier one. */
    public void publish(String name, Function<JsonNode, Object> action) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("an operator action name is lower-case letters and dashes: " + name);
        }
        actions.put(name, action);
    }

    Optional<Function<JsonNode, Object>> find(String name) {
        return Optional.ofNullable(actions.get(name));
    }
}
