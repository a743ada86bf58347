package io.hub.dhcp.probe;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Builds a DHCP server's reply byte by byte, including the lies a broken server tells. */
final class ReplyBytes {

    private final ByteBuffer header = ByteBuffer.allocate(240);
    private final ByteArrayOutputStream options = new ByteArrayOutputStream();

    private ReplyBytes(int xid, byte[] mac) {
        header.put(0, (byte) 2).put(1, (byte) 1).put(2, (byte) 6);
        header.putInt(4, xid);
        header.put(28, mac);
        header.putInt(236, DhcpPacket.MAGIC_COOKIE);
    }

    /** A reply of {@code type} (2 OFFER, 5 ACK) to transaction {@code xid}. */
    static ReplyBytes reply(int type, int xid, byte[] mac) {
        ReplyBytes reply = new ReplyBytes(xid, mac);
        reply.option(53, new byte[] {(byte) type});
        return reply;
    }

    ReplyBytes op(int op) {
        header.put(0, (byte) op);
        return this;
    }

    ReplyBytes offered(String address) {
        header.put(16, ipv4(address));
        return this;
    }

    ReplyBytes nextServer(String address) {
        header.put(20, ipv4(address));
        return this;
    }

    ReplyBytes serverName(String name) {
        header.put(44, name.getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    ReplyBytes bootFile(String name) {
        header.put(108, name.getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    /** Raw bytes in the file field (for option overload). */
    ReplyBytes fileField(byte[] bytes) {
        header.put(108, bytes);
        return this;
    }

    /** Raw bytes in the sname field (for option overload). */
    ReplyBytes snameField(byte[] bytes) {
        header.put(44, bytes);
        return this;
    }

    ReplyBytes option(int code, byte[] value) {
        options.write(code);
        options.write(value.length);
        options.writeBytes(value);
        return this;
    }

    ReplyBytes option(int code, String text) {
        return option(code, text.getBytes(StandardCharsets.UTF_8));
    }

    ReplyBytes address(int code, String... addresses) {
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        for (String address : addresses) {
            value.writeBytes(ipv4(address));
        }
        return option(code, value.toByteArray());
    }

    /** Bytes written as they are: a lying length, a missing end option. */
    ReplyBytes raw(byte... bytes) {
        options.writeBytes(bytes);
        return this;
    }

    byte[] end() {
        options.write(255);
        return bytes();
    }

    /** Without the end option, as a truncated datagram would be. */
    byte[] bytes() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(header.array());
        all.writeBytes(options.toByteArray());
        return all.toByteArray();
    }

    static byte[] ipv4(String address) {
        String[] parts = address.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return bytes;
    }
}
