package io.hub.phone;

/** The steps of a phone's life with the hub, in the order a boot takes them. */
public enum Step {
    CERTIFICATE("certificate"),
    DISCOVERY("discovery"),
    CONFIG("config"),
    FIRMWARE("firmware"),
    STATUS("status"),
    REGISTER("register"),
    KEEPALIVE("keepalive"),
    CALL_SETUP("call setup"),
    CALL("call");

    private final String label;

    Step(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
