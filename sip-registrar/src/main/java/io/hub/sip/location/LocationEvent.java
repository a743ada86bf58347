package io.hub.sip.location;

/** What happened to a binding; listeners (admin, metrics, the call router) subscribe instead of polling. */
public record LocationEvent(Kind kind, Binding binding) {

    public enum Kind { REGISTERED, REFRESHED, REMOVED, EXPIRED, FLOW_LOST }
}
