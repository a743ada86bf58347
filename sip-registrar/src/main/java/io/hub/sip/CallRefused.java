package io.hub.sip;

/**
 * A call request the hub refused, as the audit trail records it.
 *
 * @param who the caller's AOR, or {@code ?} before one is known
 * @param source the address and port it came from
 * @param method the refused request's method
 * @param code the refusal's code ({@code offline}, {@code srtp-required} …)
 */
public record CallRefused(String who, String source, String method, String code, String detail) {
}
