package io.hub.provisioning.deviceapi;

import io.hub.pki.MacAddress;
import io.hub.provisioning.audit.AuditEvent;
import io.hub.provisioning.audit.AuditLog;
import io.hub.provisioning.devices.Device;
import io.hub.provisioning.firmware.FirmwareStore;
import io.hub.provisioning.http.Responses;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /rdd/v1/discovery[?mac=]}: where the phone's configuration, SIP entry point and target
 * firmware are; {@code state="unassigned"} without a configuration for a phone with no extension.
 */
final class DiscoveryRoute extends DeviceRoute {

    static final String PATH = "/rdd/v1/discovery";

    private final IntSupplier sipTlsPort;
    private final FirmwareStore firmware;
    private final AuditLog audit;

    DiscoveryRoute(Desk desk, IntSupplier sipTlsPort, FirmwareStore firmware, AuditLog audit) {
        super("discovery", Set.of("GET"), desk);
        this.sipTlsPort = sipTlsPort;
        this.firmware = firmware;
        this.audit = audit;
    }

    @Override
    void serve(Request request, Response response, Callback callback) {
        Optional<MacAddress> named = Optional.ofNullable(Request.extractQueryParameters(request).getValue("mac"))
                .map(DeviceAuthenticator::mac);
        Access access = authenticator.authenticate(request, named, true);
        Device device = access.device();
        String sourceIp = Responses.sourceIp(request);
        String base = urls.base(request);
        Map<String, Map<String, String>> children = new LinkedHashMap<>();
        Map<String, String> root = XmlDocuments.attributes("mac", device.mac().value(), "model", device.model(),
                "state", device.isAssigned() ? "ready" : "unassigned");
        if (device.isAssigned()) {
            children.put("config", XmlDocuments.attributes("url", DeviceUrls.config(base, device.mac())));
        } else {
            root.put("message", "the device is enrolled but not assigned to a user; no configuration yet");
        }
        children.put("sip", XmlDocuments.attributes("host", urls.entryPoint(request, device.region()), "port",
                Integer.toString(sipTlsPort.getAsInt()), "transport", "tls", "region", device.region()));
        firmware.target(device.tenant(), device.model()).ifPresent(image -> children.put("firmware",
                XmlDocuments.attributes("version", image.version(), "url", DeviceUrls.firmware(base, image),
                        "sha256", image.sha256(), "size", Long.toString(image.size()))));
        contacts.record(device.mac(), "discovery", request, sourceIp, null, connection -> {
            audit.record(connection, "device", sourceIp, "discovery", AuditEvent.OK, null, device.mac().value(),
                    access.identity().fingerprint(), device.isAssigned() ? "ready" : "unassigned");
            return null;
        });
        count("ok");
        Responses.send(response, callback, 200, DeviceApi.XML, XmlDocuments.element("discovery", root, children));
    }
}
