package io.hub.relay;

/** Both legs of a session, for the admin API's call list and for metrics. */
public record SessionStats(String callId, RelayMode mode, LegStats a, LegStats b) {

    public LegStats leg(Side side) {
        return side == Side.A ? a : b;
    }
}
