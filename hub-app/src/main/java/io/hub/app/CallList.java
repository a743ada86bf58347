package io.hub.app;

import io.hub.provisioning.devices.Device;
import io.hub.provisioning.devices.Enrollment;
import io.hub.sip.call.CallRecord;
import io.hub.sip.call.CallRouter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The calls a tenant sees at {@code GET /admin/v1/calls}: the active ones with live media figures
 * per leg, and the latest ended ones with how they ended. A call is the tenant's when its caller's
 * or callee's extension is one of its phones.
 */
final class CallList {

    private CallList() {
    }

    static Map<String, Object> of(CallRouter calls, Enrollment enrollment, String tenant) {
        return Map.of("active", rows(calls.active(), enrollment, tenant),
                "recent", rows(calls.recent(), enrollment, tenant));
    }

    private static List<Map<String, Object>> rows(List<CallRecord> records, Enrollment enrollment, String tenant) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (CallRecord record : records) {
            if (!belongs(record.caller(), enrollment, tenant) && !belongs(record.callee(), enrollment, tenant)) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", record.id());
            row.put("caller", record.caller());
            row.put("callee", record.callee());
            row.put("startedAt", record.startedAt());
            row.put("answeredAt", record.answeredAt());
            row.put("endedAt", record.endedAt());
            row.put("cause", record.cause() == null ? null : record.cause().code());
            row.put("status", record.status());
            row.put("media", record.media());
            rows.add(row);
        }
        return rows;
    }

    private static boolean belongs(String aor, Enrollment enrollment, String tenant) {
        String user = aor.replaceFirst("^sip:", "").replaceFirst("@.*$", "");
        Optional<Device> device = enrollment.byExtension(user);
        return device.isPresent() && device.get().tenant().equals(tenant);
    }
}
