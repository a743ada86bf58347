package io.hub.provisioning.deviceapi;

import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.devices.Device;
import io.hub.provisioning.firmware.FirmwareImage;
import io.hub.provisioning.firmware.FirmwareStore;
import io.hub.provisioning.http.PathParameters;
import io.hub.provisioning.Refusal;
import io.hub.provisioning.http.Responses;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET|HEAD /prov/v1/firmware/{model}/{version}}: an image of the phone's tenant, only to
 * phones of its model ({@code wrong-model}), streamed by {@link FirmwareResponder}.
 */
final class FirmwareRoute extends DeviceRoute {

    static final String PATH = "/prov/v1/firmware/{model}/{version}";

    private final FirmwareStore firmware;

    FirmwareRoute(Desk desk, FirmwareStore firmware) {
        super("firmware", Set.of("GET", "HEAD"), desk);
        this.firmware = firmware;
    }

    @Override
    void serve(Request request, Response response, Callback callback) throws IOException {
        String model = PathParameters.of(request, "model");
        String version = PathParameters.of(request, "version");
        Device device = authenticator.authenticate(request, Optional.empty(), false).device();
        FirmwareImage image = firmware.find(device.tenant(), model, version).orElseThrow(() ->
                new ProvisioningException(Refusal.UNKNOWN_FIRMWARE, "no firmware " + version + " for " + model));
        if (!image.model().equals(device.model())) {
            throw new ProvisioningException(Refusal.WRONG_MODEL, "firmware for " + image.model() + " is not for a "
                    + device.model());
        }
        // On a node of a cluster that lacks the file, it is copied from the database first (checked).
        firmware.servable(device.tenant(), image);
        contacts.record(device.mac(), "firmware", request, Responses.sourceIp(request), null);
        count("ok");
        FirmwareResponder.respond(request, response, callback, image);
    }
}
