package io.hub.dhcp;

import io.hub.dhcp.decode.Bytes;
import java.nio.charset.StandardCharsets;

/**
 * One DHCP option as a client would receive it: its code and bytes, the value as its source wrote
 * it (a configuration line's text, the hex of a reply, a phone's report), and where it came from.
 *
 * @param where a file and line ({@code dhcpd.conf:12}), a reply ({@code DHCPOFFER from 10.0.0.1})
 *     or a phone; shown to the admin to find the value
 */
public record OptionValue(int code, byte[] bytes, String raw, String where) {

    public OptionValue {
        if (code < 0 || code > 255) {
            throw new IllegalArgumentException("no DHCP option " + code);
        }
        bytes = bytes.clone();
    }

    /** An option received on the wire; the raw value is its text when printable, else its hex. */
    public static OptionValue wire(int code, byte[] bytes, String where) {
        return new OptionValue(code, bytes, Bytes.printable(bytes) ? Bytes.text(bytes) : Bytes.hex(bytes), where);
    }

    /** A text option (TFTP server name, bootfile, URL) as a server sends it. */
    public static OptionValue text(int code, String text, String where) {
        return new OptionValue(code, text.getBytes(StandardCharsets.UTF_8), text, where);
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OptionValue that && code == that.code && java.util.Arrays.equals(bytes, that.bytes)
                && raw.equals(that.raw) && java.util.Objects.equals(where, that.where);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(code, java.util.Arrays.hashCode(bytes), raw, where);
    }

    @Override
    public String toString() {
        return "option " + code + " = " + raw + (where == null ? "" : " (" + where + ")");
    }
}
