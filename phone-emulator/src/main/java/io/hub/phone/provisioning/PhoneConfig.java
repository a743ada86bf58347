package io.hub.phone.provisioning;

import java.util.Optional;

/**
 * What a phone takes from its configuration document (SPEC §5): where to register, as whom, how
 * often to keep its flow alive and refresh, its media rules and the firmware it should run.
 *
 * @param authUser the digest user name; the user when the document leaves it blank
 * @param keepaliveSeconds seconds between CRLF keepalives
 * @param firmwareVersion the target version, empty when the hub sets none
 * @param fallback the region's second entry point, tried when the registrar cannot be reached
 */
public record PhoneConfig(String mac, String registrarHost, int registrarPort, String transport, String domain,
        String user, String authUser, String password, String displayName, int keepaliveSeconds,
        int registrationExpires, String srtp, int mediaPortMin, int mediaPortMax, Optional<String> firmwareVersion,
        Optional<String> firmwareUrl, Optional<Registrar> fallback) {

    /** A registrar's host name (what its certificate must carry) and port. */
    public record Registrar(String host, int port) {
    }

    /**
     * Reads a configuration document.
     *
     * @throws IllegalArgumentException naming the first place a phone cannot do without, or a bad value
     */
    public static PhoneConfig parse(byte[] document) {
        XmlDocument xml = XmlDocument.parse(document, "the configuration");
        if (!xml.rootName().equals("deviceConfig")) {
            throw new IllegalArgumentException("the configuration's root is <" + xml.rootName()
                    + ">, not <deviceConfig>");
        }
        String user = xml.required("sip/account/@user");
        String transport = xml.value("sip/registrar/@transport").orElse("tls");
        if (!transport.equalsIgnoreCase("tls")) {
            throw new IllegalArgumentException("the configuration asks for SIP over " + transport
                    + "; this phone registers over TLS only");
        }
        int portMin = xml.value("media/@portMin").isPresent() ? xml.number("media/@portMin", 1024, 65535) : 30000;
        int portMax = xml.value("media/@portMax").isPresent() ? xml.number("media/@portMax", 1024, 65535) : 40000;
        if (portMin > portMax) {
            throw new IllegalArgumentException("/deviceConfig/media has portMin " + portMin + " above portMax "
                    + portMax);
        }
        return new PhoneConfig(xml.required("@mac"), xml.required("sip/registrar/@host"),
                xml.number("sip/registrar/@port", 1, 65535), transport.toLowerCase(java.util.Locale.ROOT),
                xml.value("sip/account/@domain").or(() -> xml.value("sip/@domain"))
                        .orElseThrow(() -> new IllegalArgumentException(
                                "the configuration has nothing at /deviceConfig/sip/account/@domain")),
                user, xml.value("sip/account/@authUser").orElse(user), xml.required("sip/account/@password"),
                xml.value("sip/account/@displayName").orElse(""), xml.number("sip/keepalive/@interval", 1, 86400),
                xml.number("sip/registration/@expires", 1, 604800), xml.value("media/@srtp").orElse("mandatory"),
                portMin, portMax, xml.value("firmware/@version"), xml.value("firmware/@url"), fallback(xml));
    }

    /** An empty host is no second entry point, as phones read an empty "server 2". */
    private static Optional<Registrar> fallback(XmlDocument xml) {
        return xml.value("sip/fallbackRegistrar/@host").map(host -> new Registrar(host,
                xml.number("sip/fallbackRegistrar/@port", 1, 65535)));
    }
}
