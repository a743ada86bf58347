package io.hub.provisioning.deviceapi;

import io.hub.provisioning.DeviceEndpointSettings;
import io.hub.pki.MacAddress;
import io.hub.provisioning.firmware.FirmwareImage;
import org.eclipse.jetty.server.Request;

/**
 * The addresses the device side gives phones: its own URLs (on the public host, or the name the
 * phone used) and the SIP entry point of a region.
 */
final class DeviceUrls {

    private final DeviceEndpointSettings settings;

    DeviceUrls(DeviceEndpointSettings settings) {
        this.settings = settings;
    }

    /** {@code https://host:port} as the phone should use it. */
    String base(Request request) {
        String host = settings.publicHost() != null ? settings.publicHost() : Request.getServerName(request);
        String literal = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "https://" + literal + ":" + Request.getServerPort(request);
    }

    /** The SIP host of the region: its own entry point, or the public host, or the name the phone used. */
    String entryPoint(Request request, String region) {
        String host = settings.regionHosts().get(region);
        if (host != null) {
            return host;
        }
        return settings.publicHost() != null ? settings.publicHost() : Request.getServerName(request);
    }

    static String config(String base, MacAddress mac) {
        return base + "/prov/v1/config/" + mac.value() + ".xml";
    }

    static String firmware(String base, FirmwareImage image) {
        return base + "/prov/v1/firmware/" + image.model().replace(" ", "%20") + "/" + image.version();
    }
}
