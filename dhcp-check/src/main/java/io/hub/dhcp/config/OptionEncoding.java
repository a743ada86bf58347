package io.hub.dhcp.config;

import io.hub.dhcp.decode.Bytes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The bytes a server sends for an option written as text in its configuration, so configured values
 * go through the same decoder as values seen on the wire.
 */
final class OptionEncoding {

    /** How an option's value is written on the wire. */
    enum Type { ADDRESSES, TEXT, SIP_SERVERS, BYTES }

    private static final Set<Integer> ADDRESS_OPTIONS = Set.of(1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 28, 32, 41, 42,
            44, 45, 48, 49, 54, 65, 68, 69, 70, 71, 72, 73, 74, 75, 76, 150);
    private static final Set<Integer> TEXT_OPTIONS = Set.of(12, 14, 15, 17, 18, 40, 47, 56, 60, 62, 64, 66, 67, 86,
            114, 160);
    private static final Pattern IPV4 = Pattern.compile(
            "(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)");

    private OptionEncoding() {
    }

    static Type typeOf(int code) {
        if (ADDRESS_OPTIONS.contains(code)) {
            return Type.ADDRESSES;
        }
        if (TEXT_OPTIONS.contains(code)) {
            return Type.TEXT;
        }
        return code == 120 ? Type.SIP_SERVERS : Type.BYTES;
    }

    static boolean isAddress(String item) {
        return IPV4.matcher(item.strip()).matches();
    }

    /**
     * The wire bytes of an option given as the configuration's items (strings already unquoted).
     *
     * @return the bytes, or null when they cannot be known here: an address given as a host name is
     *     resolved by the server when it starts, so only its presence can be judged
     */
    static byte[] encode(int code, Type type, List<String> items) {
        return switch (type) {
            case ADDRESSES -> addresses(items);
            case TEXT -> String.join(",", items).getBytes(StandardCharsets.UTF_8);
            case SIP_SERVERS -> sipServers(items);
            case BYTES -> items.size() == 1 && Bytes.looksLikeHex(items.get(0)) ? Bytes.parseHex(items.get(0))
                    : String.join(",", items).getBytes(StandardCharsets.UTF_8);
        };
    }

    private static byte[] addresses(List<String> items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String item : items) {
            if (!isAddress(item)) {
                return null;
            }
            for (String part : item.strip().split("\\.")) {
                out.write(Integer.parseInt(part));
            }
        }
        return out.toByteArray();
    }

    /** RFC 3361: encoding 1 and addresses when every item is one, else encoding 0 and DNS names. */
    private static byte[] sipServers(List<String> items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!items.isEmpty() && items.stream().allMatch(OptionEncoding::isAddress)) {
            out.write(1);
            out.writeBytes(addresses(items));
            return out.toByteArray();
        }
        out.write(0);
        for (String item : items) {
            for (String label : item.strip().split("\\.")) {
                byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
                out.write(Math.min(bytes.length, 63));
                out.write(bytes, 0, Math.min(bytes.length, 63));
            }
            out.write(0);
        }
        return out.toByteArray();
    }
}
