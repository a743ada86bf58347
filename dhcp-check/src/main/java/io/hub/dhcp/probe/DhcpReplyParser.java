package io.hub.dhcp.probe;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a datagram that claims to be a DHCP reply without trusting a byte of it: every length is
 * checked against what is really there, a lie ends the reading with a problem, and nothing
 * throws. A datagram that is not an answer to the probe is skipped with the reason.
 */
public final class DhcpReplyParser {

    private static final int HEADER = 236;
    private static final int OPTIONS = 240;

    /** Either a reply (possibly with problems) or why the datagram was skipped. */
    public record Result(Optional<DhcpReply> reply, String skipped) {
        static Result skip(String why) {
            return new Result(Optional.empty(), why);
        }
    }

    private DhcpReplyParser() {
    }

    /**
     * @param data the datagram, {@code length} bytes of it
     * @param xids the transactions the probe started
     * @param source the address the datagram came from
     */
    public static Result parse(byte[] data, int length, Set<Integer> xids, String source) {
        int size = Math.max(0, Math.min(length, data.length));
        if (size < HEADER) {
            return Result.skip(size + " bytes from " + source + " are too short for a DHCP message");
        }
        ByteBuffer header = ByteBuffer.wrap(data, 0, size);
        if (header.get(0) != 2) {
            return Result.skip("a datagram from " + source + " is not a BOOTP reply (op " + (header.get(0) & 0xff)
                    + ")");
        }
        int xid = header.getInt(4);
        if (!xids.contains(xid)) {
            return Result.skip("a reply from " + source + " answers another client (transaction "
                    + Integer.toHexString(xid) + ")");
        }
        List<String> problems = new ArrayList<>();
        Map<Integer, ByteArrayOutputStream> options = new LinkedHashMap<>();
        String serverName = "";
        String bootFile = "";
        if (size < OPTIONS || header.getInt(HEADER) != DhcpPacket.MAGIC_COOKIE) {
            problems.add("no DHCP magic cookie: a BOOTP reply without options");
        } else {
            read(data, OPTIONS, size, "", options, problems);
            int overload = options.containsKey(52) && options.get(52).size() == 1 ? options.get(52).toByteArray()[0]
                    : 0;
            if ((overload & 1) != 0) {
                read(data, 108, 236, "the file field's ", options, problems);
            } else {
                bootFile = cString(data, 108, 128);
            }
            if ((overload & 2) != 0) {
                read(data, 44, 108, "the sname field's ", options, problems);
            } else {
                serverName = cString(data, 44, 64);
            }
        }
        Map<Integer, byte[]> values = new LinkedHashMap<>();
        options.forEach((code, bytes) -> values.put(code, bytes.toByteArray()));
        byte[] type = values.get(53);
        byte[] identifier = values.get(54);
        String server = identifier != null && identifier.length == 4 ? ipv4(identifier, 0) : source;
        if (type == null || type.length != 1) {
            problems.add("no valid message type (option 53)");
        }
        return new Result(Optional.of(new DhcpReply(type == null || type.length != 1 ? 0 : type[0] & 0xff, xid,
                server, ipv4(data, 16), ipv4(data, 20), serverName, bootFile, values, problems)), "");
    }

    /** Options from {@code from} to {@code end}; stops at the end option or at the first lie. */
    private static void read(byte[] data, int from, int end, String where, Map<Integer, ByteArrayOutputStream> options,
            List<String> problems) {
        int at = from;
        while (at < end) {
            int code = data[at] & 0xff;
            if (code == 0) {
                at++;
                continue;
            }
            if (code == 255) {
                return;
            }
            if (at + 1 >= end) {
                problems.add(where + "option " + code + " has no length byte");
                return;
            }
            int length = data[at + 1] & 0xff;
            int left = end - at - 2;
            if (length > left) {
                problems.add(where + "option " + code + " claims " + length + " bytes but only " + left
                        + " are left");
                return;
            }
            options.computeIfAbsent(code, c -> new ByteArrayOutputStream()).write(data, at + 2, length);
            at += 2 + length;
        }
        if (where.isEmpty()) {
            problems.add("the options have no end option (255)");
        }
    }

    private static String cString(byte[] data, int from, int length) {
        int end = from;
        while (end < from + length && data[end] != 0) {
            end++;
        }
        return new String(data, from, end - from, StandardCharsets.ISO_8859_1).strip();
    }

    private static String ipv4(byte[] data, int at) {
        return (data[at] & 0xff) + "." + (data[at + 1] & 0xff) + "." + (data[at + 2] & 0xff) + "."
                + (data[at + 3] & 0xff);
    }
}
