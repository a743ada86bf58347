package io.hub.dhcp.probe;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The two messages the probe sends, built as an ALE phone builds them (RFC 2131): DHCPDISCOVER and
 * DHCPINFORM. There is deliberately no way to build a REQUEST or a RELEASE, so the probe can never
 * take or give back a lease.
 */
public final class DhcpPacket {

    static final int MAGIC_COOKIE = 0x63825363;
    static final int DISCOVER = 1;
    static final int INFORM = 8;
    private static final int MIN_BOOTP_SIZE = 300;
    private static final int BROADCAST_FLAG = 0x8000;

    private DhcpPacket() {
    }

    /** A DHCPDISCOVER asking for the reply to be broadcast, since the client has no address yet. */
    public static byte[] discover(int xid, byte[] mac, String vendorClass, List<Integer> parameters) {
        return build(DISCOVER, xid, mac, new byte[4], vendorClass, parameters);
    }

    /** A DHCPINFORM from {@code clientAddress}: options only, no address is offered or taken. */
    public static byte[] inform(int xid, byte[] mac, byte[] clientAddress, String vendorClass,
            List<Integer> parameters) {
        return build(INFORM, xid, mac, clientAddress, vendorClass, parameters);
    }

    private static byte[] build(int type, int xid, byte[] mac, byte[] clientAddress, String vendorClass,
            List<Integer> parameters) {
        if (mac.length != 6 || clientAddress.length != 4) {
            throw new IllegalArgumentException("a DHCP client needs a 6-byte MAC and a 4-byte address");
        }
        ByteBuffer header = ByteBuffer.allocate(240);
        header.put((byte) 1).put((byte) 1).put((byte) 6).put((byte) 0);
        header.putInt(xid);
        header.putShort((short) 0).putShort((short) BROADCAST_FLAG);
        header.put(clientAddress).put(new byte[12]);
        header.put(mac).put(new byte[10]);
        header.put(new byte[64 + 128]);
        header.putInt(MAGIC_COOKIE);
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.writeBytes(header.array());
        option(packet, 53, new byte[] {(byte) type});
        byte[] clientId = new byte[7];
        clientId[0] = 1;
        System.arraycopy(mac, 0, clientId, 1, 6);
        option(packet, 61, clientId);
        option(packet, 57, new byte[] {0x05, (byte) 0xdc});
        option(packet, 60, vendorClass.getBytes(StandardCharsets.US_ASCII));
        byte[] list = new byte[parameters.size()];
        for (int i = 0; i < list.length; i++) {
            list[i] = (byte) (int) parameters.get(i);
        }
        option(packet, 55, list);
        packet.write(255);
        while (packet.size() < MIN_BOOTP_SIZE) {
            packet.write(0);
        }
        return packet.toByteArray();
    }

    private static void option(ByteArrayOutputStream packet, int code, byte[] value) {
        packet.write(code);
        packet.write(value.length);
        packet.writeBytes(value);
    }
}
