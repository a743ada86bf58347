package io.hub.provisioning.devices;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which certificate a device is bound to, and which one waits for an admin's approval.
 *
 * <p>A certificate from a generic CA (it proves the vendor, not the MAC) serves a device only once
 * its fingerprint is {@code bound}: given at enrollment, or approved by an admin after the hub saw
 * it first and kept it {@code pending}. A bound fingerprint also pins the device: no other
 * certificate, MAC-attesting or not, is served for it.
 *
 * @param bound the SHA-256 of the bound certificate's DER, lower-case hex; null when none
 * @param pending the first generic certificate seen while none was bound; null when none
 * @param pendingSince when the pending one was first seen
 * @param pendingSourceIp where it came from
 */
public record CertificateBinding(String bound, String pending, Instant pendingSince, String pendingSourceIp) {

    /** Nothing bound, nothing pending. */
    public static final CertificateBinding NONE = new CertificateBinding(null, null, null, null);

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern COLONS = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){31}");

    public static CertificateBinding boundTo(String fingerprint) {
        return new CertificateBinding(fingerprint, null, null, null);
    }

    public Optional<String> boundFingerprint() {
        return Optional.ofNullable(bound);
    }

    /**
     * A fingerprint as admins write it: 64 hex digits, or 32 pairs separated by colons (as
     * {@code openssl x509 -fingerprint -sha256} prints it), in either case.
     *
     * @return the normalised form (64 lower-case hex digits)
     * @throws IllegalArgumentException naming the value and the expected form
     */
    public static String parseFingerprint(String text) {
        String lower = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (HEX.matcher(lower).matches()) {
            return lower;
        }
        if (COLONS.matcher(lower).matches()) {
            return lower.replace(":", "");
        }
        throw new IllegalArgumentException("certificateSha256 '" + clip(text) + "' is not a SHA-256 fingerprint: "
                + "expected 64 hex digits, or 32 hex pairs separated by colons");
    }

    private static String clip(String text) {
        String shown = text == null ? "" : text.length() > 100 ? text.substring(0, 100) + "…" : text;
        return shown.codePoints().anyMatch(Character::isISOControl)
                ? HexFormat.of().formatHex(shown.getBytes(java.nio.charset.StandardCharsets.UTF_8)) : shown;
    }
}
