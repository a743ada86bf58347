package io.hub.provisioning.admin;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Live state other modules publish through the admin API without provisioning knowing them: each
 * view is a name ({@code registrations}, later {@code calls}) and a function from the asking tenant
 * to a JSON-serialisable answer, served at {@code GET /admin/v1/<name>}.
 */
public final class LiveViews {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z-]{0,31}");

    private final Map<String, Function<String, Object>> views = new ConcurrentHashMap<>();

    /** Publishes {@code view} under {@code name}, replacing any earlier one. */
    public void publish(String name, Function<String, Object> view) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a live view name is lower-case letters and dashes: " + name);
        }
        views.put(name, view);
    }

    Optional<Object> answer(String name, String tenant) {
        Function<String, Object> view = views.get(name);
        return view == null ? Optional.empty() : Optional.of(view.apply(tenant));
    }
}
