package io.hub.dhcp;

import java.util.Objects;

/**
 * Which clients a DHCP value reaches: the whole server, a subnet, a vendor class, one host, or one
 * reply a probe received. Scopes nest (a class inside a subnet); {@link #within} combines them.
 *
 * @param level the innermost kind of scope
 * @param name what an admin would search the configuration for, e.g. {@code subnet 10.1.0.0/24}
 * @param reachesAlePhone false only when the scope provably excludes ALE phones (another vendor's
 *     class, a host with another vendor's MAC); unknown conditions count as reaching them
 * @param reason why it does or does not reach ALE phones; empty when there is nothing to explain
 */
public record Scope(Level level, String name, boolean reachesAlePhone, String reason) {

    /** Kinds of scope, from the widest. */
    public enum Level {
        GLOBAL, SHARED_NETWORK, SUBNET, POOL, VENDOR_CLASS, CLIENT_CLASS, TAG, HOST, REPLY, PHONE;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public Scope {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(name, "name");
        reason = reason == null ? "" : reason;
    }

    public static Scope global() {
        return new Scope(Level.GLOBAL, "global", true, "");
    }

    public static Scope of(Level level, String name) {
        return new Scope(level, name, true, "");
    }

    /**
     * This scope narrowed by {@code inner}: the inner level, both names, and reaching ALE phones only
     * when both do (the first reason that excludes them wins).
     */
    public Scope within(Scope inner) {
        if (level == Level.GLOBAL) {
            return inner;
        }
        if (inner.level == Level.GLOBAL) {
            return this;
        }
        boolean reaches = reachesAlePhone && inner.reachesAlePhone;
        String why = !reachesAlePhone ? reason : !inner.reachesAlePhone ? inner.reason
                : inner.reason.isEmpty() ? reason : inner.reason;
        return new Scope(inner.level, name + " > " + inner.name, reaches, why);
    }
}
