package io.hub.app;

/**
 * Settings for a hub started inside a test: loopback only, every port picked free, and the SIP
 * domain the name tests reach it by (else it would be this machine's name).
 */
final class TestSettings {

    private TestSettings() {
    }

    static HubSettings ephemeralPorts() {
        HubSettings settings = new HubSettings();
        settings.bind = "127.0.0.1";
        settings.httpsPort = 0;
        settings.adminPort = 0;
        settings.sipTlsPort = 0;
        settings.webPort = 0;
        settings.sipDomain = "localhost";
        return settings;
    }
}
