package io.hub.provisioning.changes;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What changed in what a phone is served: one device (its row, its settings layer, its password,
 * its certificate binding), a site's layer, a model's firmware target, a tenant, or everything.
 * Caches drop exactly the entries the change reaches ({@link #reaches}).
 *
 * @param scope how far the change reaches
 * @param tenant the tenant, except for {@link Scope#ALL}
 * @param name the device's MAC, the site or the model; empty for a tenant or everything
 */
public record ConfigChange(Scope scope, String tenant, String name) {

    /** How far a change reaches. */
    public enum Scope { DEVICE, SITE, MODEL, TENANT, ALL }

    public ConfigChange {
        Objects.requireNonNull(scope, "scope");
        tenant = tenant == null ? "" : tenant;
        name = name == null ? "" : name;
    }

    /** One device, by its MAC (the device table's key, whatever the tenant). */
    public static ConfigChange device(String mac) {
        return new ConfigChange(Scope.DEVICE, "", mac);
    }

    public static ConfigChange site(String tenant, String site) {
        return new ConfigChange(Scope.SITE, tenant, site);
    }

    public static ConfigChange model(String tenant, String model) {
        return new ConfigChange(Scope.MODEL, tenant, model);
    }

    public static ConfigChange tenant(String tenant) {
        return new ConfigChange(Scope.TENANT, tenant, "");
    }

    public static ConfigChange all() {
        return new ConfigChange(Scope.ALL, "", "");
    }

    /** True when a phone of this MAC, tenant, site and model may be served otherwise after the change. */
    public boolean reaches(String mac, String deviceTenant, String site, String model) {
        return switch (scope) {
            case DEVICE -> name.equals(mac);
            case SITE -> tenant.equals(deviceTenant) && name.equals(site);
            case MODEL -> tenant.equals(deviceTenant) && name.equals(model);
            case TENANT -> tenant.equals(deviceTenant);
            case ALL -> true;
        };
    }

    /** The change as a cluster notice's fields. */
    public Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("scope", scope.name().toLowerCase(java.util.Locale.ROOT));
        fields.put("tenant", tenant);
        fields.put("name", name);
        return fields;
    }

    /**
     * The change a notice's fields describe.
     *
     * @throws IllegalArgumentException when the scope is not one of {@link Scope}
     */
    public static ConfigChange of(String scope, String tenant, String name) {
        return new ConfigChange(Scope.valueOf(String.valueOf(scope).toUpperCase(java.util.Locale.ROOT)), tenant,
                name);
    }
}
