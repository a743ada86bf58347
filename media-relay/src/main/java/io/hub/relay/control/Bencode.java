package io.hub.relay.control;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bencoding, the dictionary format of rtpengine's ng control protocol: byte strings
 * ({@code 4:spam}), integers ({@code i42e}), lists ({@code l…e}) and dictionaries ({@code d…e}).
 *
 * <p>Decoded values are {@link String}, {@link Long}, {@code List<Object>} and
 * {@code Map<String, Object>} (in the order received: rtpengine does not sort its keys, so neither
 * does the reader). Strings map bytes to chars one to one (ISO-8859-1), so whatever bytes a string
 * carried, an SDP body in UTF-8 included, come out unchanged when encoded again. The encoder writes
 * dictionary keys sorted, as the format asks.
 *
 * <p>The decoder trusts no length: a declared string length beyond the input, nesting deeper than
 * {@value #MAX_DEPTH}, an integer that is not canonical or does not fit a {@code long}, a key that is
 * not a string, and bytes left after the value are each a {@link BencodeException}, before anything
 * larger than the input is allocated.
 */
public final class Bencode {

    /** Deeper than any ng message (a query reply nests five levels); bounds the decoder's recursion. */
    static final int MAX_DEPTH = 32;

    private final byte[] data;
    private final int end;
    private int at;

    private Bencode(byte[] data, int offset, int length) {
        this.data = data;
        this.at = offset;
        this.end = offset + length;
    }

    /** The one value in {@code data[offset, offset + length)}. */
    public static Object decode(byte[] data, int offset, int length) throws BencodeException {
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside " + data.length + " bytes");
        }
        Bencode reader = new Bencode(data, offset, length);
        Object value = reader.value(0);
        if (reader.at != reader.end) {
            throw new BencodeException((reader.end - reader.at) + " bytes after the value at byte " + reader.at);
        }
        return value;
    }

    public static Object decode(byte[] data) throws BencodeException {
        return decode(data, 0, data.length);
    }

    /**
     * The bencoding of a {@link CharSequence} (written as ISO-8859-1; a char above 255 is refused),
     * {@code byte[]}, an integral {@link Number}, {@link Boolean} (as 1 or 0), {@link List} or
     * {@link Map} with string keys.
     *
     * @throws IllegalArgumentException for any other type, naming it
     */
    public static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        write(out, value, 0);
        return out.toByteArray();
    }

    private Object value(int depth) throws BencodeException {
        if (depth >= MAX_DEPTH) {
            throw new BencodeException("nested deeper than " + MAX_DEPTH + " levels at byte " + at);
        }
        if (at >= end) {
            throw new BencodeException("truncated: a value expected at byte " + at);
        }
        byte type = data[at];
        switch (type) {
            case 'i':
                at++;
                return integer('e');
            case 'l':
                at++;
                List<Object> list = new ArrayList<>();
                while (!endOfContainer()) {
                    list.add(value(depth + 1));
                }
                return list;
            case 'd':
                at++;
                Map<String, Object> map = new LinkedHashMap<>();
                while (!endOfContainer()) {
                    if (data[at] < '0' || data[at] > '9') {
                        throw new BencodeException("a dictionary key must be a string, at byte " + at);
                    }
                    String key = string();
                    map.put(key, value(depth + 1));
                }
                return map;
            default:
                if (type >= '0' && type <= '9') {
                    return string();
                }
                throw new BencodeException("unexpected byte 0x" + Integer.toHexString(type & 0xff) + " at byte " + at);
        }
    }

    private boolean endOfContainer() throws BencodeException {
        if (at >= end) {
            throw new BencodeException("truncated: a list or dictionary has no end");
        }
        if (data[at] == 'e') {
            at++;
            return true;
        }
        return false;
    }

    private String string() throws BencodeException {
        long length = integer(':');
        if (length < 0 || length > end - at) {
            throw new BencodeException("a string of " + length + " bytes at byte " + at + " runs past the "
                    + (end - at) + " bytes left");
        }
        String value = new String(data, at, (int) length, StandardCharsets.ISO_8859_1);
        at += (int) length;
        return value;
    }

    /** Digits up to {@code terminator}: canonical only (no leading zero, no -0, no empty), within a long. */
    private long integer(char terminator) throws BencodeException {
        int start = at;
        boolean negative = at < end && data[at] == '-';
        if (negative) {
            if (terminator == ':') {
                throw new BencodeException("a string length cannot be negative, at byte " + at);
            }
            at++;
        }
        int digitsStart = at;
        long value = 0;
        while (at < end && data[at] != terminator) {
            int digit = data[at] - '0';
            if (digit < 0 || digit > 9) {
                throw new BencodeException("not a digit at byte " + at);
            }
            // Accumulated as a negative number, whose range is one larger, so Long.MIN_VALUE fits.
            if (value < (Long.MIN_VALUE + digit) / 10) {
                throw new BencodeException("an integer at byte " + start + " does not fit 64 bits");
            }
            value = value * 10 - digit;
            at++;
        }
        if (at >= end) {
            throw new BencodeException("truncated: an integer at byte " + start + " has no '" + terminator + "'");
        }
        int digits = at - digitsStart;
        if (digits == 0 || (digits > 1 && data[digitsStart] == '0') || (negative && data[digitsStart] == '0')) {
            throw new BencodeException("not a canonical integer at byte " + start);
        }
        at++;
        if (!negative && value == Long.MIN_VALUE) {
            throw new BencodeException("an integer at byte " + start + " does not fit 64 bits");
        }
        return negative ? value : -value;
    }

    private static void write(ByteArrayOutputStream out, Object value, int depth) {
        if (depth >= MAX_DEPTH) {
            throw new IllegalArgumentException("nested deeper than " + MAX_DEPTH + " levels");
        }
        if (value instanceof CharSequence text) {
            writeString(out, latin1(text.toString()));
        } else if (value instanceof byte[] bytes) {
            writeString(out, bytes);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            ascii(out, "i" + ((Number) value).longValue() + "e");
        } else if (value instanceof Boolean flag) {
            ascii(out, flag ? "i1e" : "i0e");
        } else if (value instanceof List<?> list) {
            out.write('l');
            list.forEach(element -> write(out, element, depth + 1));
            out.write('e');
        } else if (value instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((key, element) -> {
                if (!(key instanceof String name)) {
                    throw new IllegalArgumentException("a dictionary key must be a string, not " + key);
                }
                sorted.put(name, element);
            });
            out.write('d');
            sorted.forEach((key, element) -> {
                writeString(out, latin1(key));
                write(out, element, depth + 1);
            });
            out.write('e');
        } else {
            throw new IllegalArgumentException("no bencoding for " + (value == null ? "null" : value.getClass().getName()));
        }
    }

    private static byte[] latin1(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0xff) {
                throw new IllegalArgumentException("a bencoded string carries bytes; char " + (int) text.charAt(i)
                        + " is not one (encode UTF-8 text to bytes first)");
            }
        }
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void writeString(ByteArrayOutputStream out, byte[] bytes) {
        ascii(out, Integer.toString(bytes.length));
        out.write(':');
        out.write(bytes, 0, bytes.length);
    }

    private static void ascii(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        out.write(bytes, 0, bytes.length);
    }
}
