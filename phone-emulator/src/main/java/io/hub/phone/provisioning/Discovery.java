package io.hub.phone.provisioning;

import java.util.Optional;

/**
 * The discovery answer: where the phone's configuration is, its SIP entry point, and the firmware it
 * should run.
 *
 * @param state {@code ready}, or {@code unassigned} for a phone enrolled without a user
 * @param configUrl empty for an unassigned phone
 */
public record Discovery(String mac, String state, String message, Optional<String> configUrl, String sipHost,
        int sipPort, Optional<Firmware> firmware) {

    /** A firmware image the hub wants the phone to run, with its SHA-256 in hex. */
    public record Firmware(String version, String url, Optional<String> sha256, long size) {
    }

    /** @throws IllegalArgumentException naming what is missing or wrong */
    public static Discovery parse(byte[] document) {
        XmlDocument xml = XmlDocument.parse(document, "the discovery answer");
        if (!xml.rootName().equals("discovery")) {
            throw new IllegalArgumentException("the discovery answer's root is <" + xml.rootName()
                    + ">, not <discovery>");
        }
        Optional<Firmware> firmware = xml.value("firmware/@version").map(version -> new Firmware(version,
                xml.required("firmware/@url"), xml.value("firmware/@sha256"),
                xml.value("firmware/@size").map(Long::parseLong).orElse(-1L)));
        return new Discovery(xml.required("@mac"), xml.value("@state").orElse("ready"),
                xml.value("@message").orElse(""), xml.value("config/@url"), xml.required("sip/@host"),
                xml.number("sip/@port", 1, 65535), firmware);
    }

    /** The text of an {@code <error reason="…">text</error>} body of a refusal, when there is one. */
    public static Optional<String> errorMessage(byte[] body) {
        try {
            XmlDocument xml = XmlDocument.parse(body, "the error");
            return xml.rootName().equals("error") && !xml.text().isEmpty() ? Optional.of(xml.text()) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The reason in an {@code <error reason="…">} body of a refusal, when there is one. */
    public static Optional<String> errorReason(byte[] body) {
        try {
            XmlDocument xml = XmlDocument.parse(body, "the error");
            return xml.rootName().equals("error") ? xml.value("@reason") : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
