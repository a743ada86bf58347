package io.hub.app;

import io.hub.provisioning.Phones;

/**
 * {@code sipClientCertificate} as it applies to one tenant's phones: the tenant's own value when it
 * has one, else the hub's ({@code hub.yaml}).
 */
final class ClientCertificatePolicy {

    private final Phones phones;
    private final String hubDefault;

    ClientCertificatePolicy(Phones phones, String hubDefault) {
        this.phones = phones;
        this.hubDefault = hubDefault;
    }

    /** True when the tenant's phones register only with a valid certificate of their own device. */
    boolean required(String tenant) {
        return "required".equals(phones.sipClientCertificate(tenant).orElse(hubDefault));
    }
}
