package io.hub.provisioning.deviceapi;

import io.hub.pki.MacAddress;
import io.hub.provisioning.audit.AuditLog;
import io.hub.provisioning.changes.ConfigChanges;
import io.hub.provisioning.changes.KeptUntilChanged;
import io.hub.provisioning.devices.Device;
import io.hub.provisioning.firmware.FirmwareImage;
import io.hub.provisioning.firmware.FirmwareStore;
import io.hub.provisioning.http.Responses;
import java.time.Clock;
import java.time.Duration;
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
    static final String KEPT_TARGETS = "hub.device.firmware-targets.kept";
    /** Keys are a tenant's models, each (tenant, model) pair of enrolled phones: far fewer than this. */
    static final int MAX_KEPT_TARGETS = 10_000;
    private static final Duration TARGET_MAX_AGE = Duration.ofMinutes(10);

    private final IntSupplier sipTlsPort;
    private final FirmwareStore firmware;
    private final AuditLog audit;
    /**
     * Each model's firmware target (or that it has none), so that a discovery reads no database:
     * setting a target announces a change of its model, which drops the entry, on every node.
     */
    private final KeptUntilChanged<TargetOf, KeptTarget> targets;

    DiscoveryRoute(Desk desk, IntSupplier sipTlsPort, FirmwareStore firmware, AuditLog audit, ConfigChanges changes,
            Clock clock) {
        super("discovery", Set.of("GET"), desk);
        this.sipTlsPort = sipTlsPort;
        this.firmware = firmware;
        this.audit = audit;
        this.targets = new KeptUntilChanged<>(changes, KEPT_TARGETS, "firmware targets of a tenant's models kept in "
                + "memory, dropped by every change to the model or tenant", MAX_KEPT_TARGETS, TARGET_MAX_AGE, clock,
                desk.metrics(), (change, kept) -> change.reaches("", kept.of().tenant(), "", kept.of().model()),
                change -> TargetOf.NONE);
    }

    /** A tenant's model. */
    private record TargetOf(String tenant, String model) {
        /** No model: what a device's own change reaches here. */
        static final TargetOf NONE = new TargetOf("", "");
    }

    private record KeptTarget(TargetOf of, Optional<FirmwareImage> image) {
    }

    private Optional<FirmwareImage> target(Device device) {
        TargetOf of = new TargetOf(device.tenant(), device.model());
        return targets.get(of, () -> new KeptTarget(of, firmware.target(of.tenant(), of.model()))).image();
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
        target(device).ifPresent(image -> children.put("firmware",
                XmlDocuments.attributes("version", image.version(), "url", DeviceUrls.firmware(base, image),
                        "sha256", image.sha256(), "size", Long.toString(image.size()))));
        contacts.record(device.mac(), "discovery", request, sourceIp, null, connection -> {
            audit.recordForDevice(connection, device.tenant(), sourceIp, "discovery", device.mac().value(),
                    access.identity().fingerprint(), device.isAssigned() ? "ready" : "unassigned");
            return null;
        });
        count("ok");
        Responses.send(response, callback, 200, DeviceApi.XML, XmlDocuments.element("discovery", root, children));
    }
}
