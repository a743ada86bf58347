package io.hub.dhcp.decode;

import java.util.ArrayList;
import java.util.List;

/**
 * Option 43 read as encapsulated sub-options (RFC 2132 §8.4: code, length, value; 0 pads, 255 ends).
 * Nothing here trusts a length: a sub-option that claims more bytes than are left is reported, not
 * read past the end.
 */
public final class VendorOptions {

    /** One sub-option. */
    public record SubOption(int code, byte[] value) {
        public SubOption {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof SubOption that && code == that.code && java.util.Arrays.equals(value, that.value);
        }

        @Override
        public int hashCode() {
            return 31 * code + java.util.Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return code + "=" + (Bytes.printable(value) ? Bytes.text(value) : Bytes.hex(value));
        }
    }

    /**
     * What the bytes hold.
     *
     * @param subOptions those read completely, in order
     * @param problem why the rest could not be read; empty when every byte was accounted for
     */
    public record Parsed(List<SubOption> subOptions, String problem) {
        public Parsed {
            subOptions = List.copyOf(subOptions);
        }

        public boolean complete() {
            return problem.isEmpty();
        }
    }

    private VendorOptions() {
    }

    public static Parsed parse(byte[] bytes) {
        List<SubOption> subOptions = new ArrayList<>();
        int at = 0;
        while (at < bytes.length) {
            int code = bytes[at] & 0xff;
            if (code == 0) {
                at++;
                continue;
            }
            if (code == 255) {
                return new Parsed(subOptions, "");
            }
            if (at + 1 >= bytes.length) {
                return new Parsed(subOptions, "sub-option " + code + " has no length byte");
            }
            int length = bytes[at + 1] & 0xff;
            int left = bytes.length - at - 2;
            if (length > left) {
                return new Parsed(subOptions, "sub-option " + code + " claims " + length + " bytes but only " + left
                        + " are left");
            }
            subOptions.add(new SubOption(code, java.util.Arrays.copyOfRange(bytes, at + 2, at + 2 + length)));
            at += 2 + length;
        }
        return new Parsed(subOptions, subOptions.isEmpty() ? "no sub-options" : "");
    }

    /**
     * The wire form of {@code subOptions}, for servers that build option 43 from sub-options. A
     * value longer than 255 bytes is written as consecutive sub-options of the same code, as a
     * server splits a long option (RFC 3396); it used to throw (found by ConfigCheckerFuzzTest).
     */
    public static byte[] encode(List<SubOption> subOptions) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (SubOption subOption : subOptions) {
            byte[] value = subOption.value();
            int at = 0;
            do {
                int length = Math.min(255, value.length - at);
                out.write(subOption.code());
                out.write(length);
                out.write(value, at, length);
                at += length;
            } while (at < value.length);
        }
        return out.toByteArray();
    }
}
