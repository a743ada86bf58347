package io.hub.phone.sip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The phone's side of HTTP digest for SIP (RFC 3261 §22, RFC 2617 with qop=auth, RFC 8760 for
 * SHA-256): pick a challenge, then compute the Authorization header for it.
 */
public final class DigestAnswer {

    /** Which algorithm a phone prefers when a registrar offers several. */
    public enum Preference {
        /** SHA-256 when offered, else MD5, as RFC 8760 phones do. */
        STRONGEST,
        /** MD5 only, as most desk phones in the field. */
        MD5,
        /** SHA-256 only; a challenge without it is refused. */
        SHA256
    }

    /** A chosen challenge: its parameters, with the algorithm spelt MD5 or SHA-256. */
    public record Challenge(Map<String, String> parameters, String algorithm) {
        public String realm() {
            return parameters.getOrDefault("realm", "");
        }

        public String nonce() {
            return parameters.getOrDefault("nonce", "");
        }

        public boolean stale() {
            return "true".equalsIgnoreCase(parameters.get("stale"));
        }
    }

    private DigestAnswer() {
    }

    /**
     * The challenge to answer among the WWW-Authenticate (or Proxy-Authenticate) values of a 401.
     *
     * @return empty when none is digest with an algorithm the preference accepts
     */
    public static Optional<Challenge> choose(List<String> headerValues, Preference preference) {
        Challenge md5 = null;
        Challenge sha256 = null;
        for (String value : headerValues) {
            Map<String, String> parameters = parse(value);
            if (parameters == null) {
                continue;
            }
            String algorithm = parameters.getOrDefault("algorithm", "MD5").toUpperCase(Locale.ROOT);
            if (algorithm.equals("MD5") && md5 == null) {
                md5 = new Challenge(parameters, "MD5");
            } else if (algorithm.equals("SHA-256") && sha256 == null) {
                sha256 = new Challenge(parameters, "SHA-256");
            }
        }
        return Optional.ofNullable(switch (preference) {
            case STRONGEST -> sha256 != null ? sha256 : md5;
            case MD5 -> md5;
            case SHA256 -> sha256;
        });
    }

    /**
     * The value of the Authorization header answering {@code challenge}.
     *
     * @param nc the nonce count, 1 for the first use of a nonce
     * @param cnonce the client nonce
     */
    public static String authorization(Challenge challenge, String method, String uri, String user, String password,
            int nc, String cnonce) {
        String algorithm = challenge.algorithm();
        String ha1 = hash(algorithm, user + ":" + challenge.realm() + ":" + password);
        String ha2 = hash(algorithm, method + ":" + uri);
        boolean qop = qopAuth(challenge.parameters().get("qop"));
        String count = String.format("%08x", nc);
        String response = qop
                ? hash(algorithm, ha1 + ":" + challenge.nonce() + ":" + count + ":" + cnonce + ":auth:" + ha2)
                : hash(algorithm, ha1 + ":" + challenge.nonce() + ":" + ha2);
        StringBuilder header = new StringBuilder("Digest username=\"").append(user)
                .append("\", realm=\"").append(challenge.realm())
                .append("\", nonce=\"").append(challenge.nonce())
                .append("\", uri=\"").append(uri)
                .append("\", response=\"").append(response)
                .append("\", algorithm=").append(algorithm);
        if (challenge.parameters().containsKey("opaque")) {
            header.append(", opaque=\"").append(challenge.parameters().get("opaque")).append('"');
        }
        if (qop) {
            header.append(", qop=auth, nc=").append(count).append(", cnonce=\"").append(cnonce).append('"');
        }
        return header.toString();
    }

    /** MD5 or SHA-256 of {@code text} in lower-case hex. */
    public static String hash(String algorithm, String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm.equals("MD5") ? "MD5" : "SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The parameters of a {@code Digest …} challenge, names in lower case; null when the value is not
     * digest or a quoted string never ends.
     */
    public static Map<String, String> parse(String header) {
        if (header == null || !header.regionMatches(true, 0, "Digest ", 0, 7)) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        String rest = header.substring(7);
        int i = 0;
        while (i < rest.length()) {
            while (i < rest.length() && (rest.charAt(i) == ' ' || rest.charAt(i) == ',' || rest.charAt(i) == '\t')) {
                i++;
            }
            int equals = rest.indexOf('=', i);
            if (equals < 0) {
                break;
            }
            String name = rest.substring(i, equals).strip().toLowerCase(Locale.ROOT);
            i = equals + 1;
            StringBuilder value = new StringBuilder();
            if (i < rest.length() && rest.charAt(i) == '"') {
                i++;
                boolean ended = false;
                while (i < rest.length()) {
                    char c = rest.charAt(i++);
                    if (c == '\\' && i < rest.length()) {
                        value.append(rest.charAt(i++));
                    } else if (c == '"') {
                        ended = true;
                        break;
                    } else {
                        value.append(c);
                    }
                }
                if (!ended) {
                    return null;
                }
            } else {
                int end = rest.indexOf(',', i);
                end = end < 0 ? rest.length() : end;
                value.append(rest, i, end);
                i = end;
            }
            parameters.put(name, value.toString().strip());
        }
        return parameters;
    }

    private static boolean qopAuth(String qop) {
        if (qop == null) {
            return false;
        }
        for (String option : qop.split(",")) {
            if (option.strip().equalsIgnoreCase("auth")) {
                return true;
            }
        }
        return false;
    }
}
