package io.hub.provisioning.devices;

import java.util.Locale;

/** Whether an enrolled phone is served. A disabled phone is refused with reason {@code disabled}. */
public enum DeviceState {
    ENABLED, DISABLED;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeviceState fromCode(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT));
    }
}
