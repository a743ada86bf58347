package io.hub.app;

import io.hub.provisioning.tenants.Tenants;

/**
 * {@code sipClientCertificate} as it applies to one tenant's phones: the tenant's own value when it
 * has one, else the hub's ({@code hub.yaml}).
 */
final class ClientCertificatePolicy {

    private final Tenants tenants;
    private final String hubDefault;

    ClientCertificatePolicy(Tenants tenants, String hubDefault) {
        this.tenants = tenants;
        this.hubDefault = hubDefault;
    }

    /** True when the tenant's phones register only with a valid certificate of their own device. */
    boolean required(String tenant) {
        return "required".equals(tenants.sipClientCertificate(tenant).orElse(hubDefault));
    }
}
