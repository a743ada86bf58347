package io.hub.sip;

/**
 * A refused REGISTER, as the audit trail records it.
 *
 * @param source the address and port it came from
 * @param code the refusal's code ({@code wrong-password}, {@code revoked} …)
 */
public record RegisterRefusal(String aor, String source, String code, String detail) {
}
