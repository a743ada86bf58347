package io.hub.provisioning.admin;

import io.hub.provisioning.devices.CertificateBinding;
import io.hub.provisioning.devices.Device;
import io.hub.provisioning.devices.DeviceContact;
import io.hub.provisioning.firmware.FirmwareImage;
import io.hub.provisioning.firmware.FirmwareStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The admin API's JSON for the things several routes answer with: a device, a firmware image. */
final class AdminJson {

    private AdminJson() {
    }

    /** A device without secrets; with {@code history} (latest first) its last contacts. */
    static Map<String, Object> device(Device device, List<DeviceContact> history) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mac", device.mac().value());
        json.put("model", device.model());
        json.put("extension", device.extension());
        json.put("displayName", device.displayName());
        json.put("site", device.site());
        json.put("region", device.region());
        json.put("state", device.state().code());
        json.put("assigned", device.isAssigned());
        json.put("createdAt", device.createdAt());
        json.put("updatedAt", device.updatedAt());
        CertificateBinding certificate = device.certificate();
        Map<String, Object> binding = new LinkedHashMap<>();
        binding.put("bound", certificate.bound());
        binding.put("pending", certificate.pending());
        binding.put("pendingSince", certificate.pendingSince());
        binding.put("pendingSourceIp", certificate.pendingSourceIp());
        json.put("certificate", binding);
        if (!history.isEmpty()) {
            json.put("lastContact", history.get(0));
            json.put("history", history);
        }
        return json;
    }

    /** A firmware image, and whether it is the tenant's target for its model. */
    static Map<String, Object> firmware(FirmwareStore firmware, String tenant, FirmwareImage image) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", image.model());
        json.put("version", image.version());
        json.put("size", image.size());
        json.put("sha256", image.sha256());
        json.put("uploadedAt", image.uploadedAt());
        json.put("target", firmware.target(tenant, image.model()).map(t -> t.version().equals(image.version()))
                .orElse(false));
        return json;
    }
}
