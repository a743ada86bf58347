package io.hub.dhcp.probe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A server's answer to the probe, as far as it could be read.
 *
 * @param type the DHCP message type (2 OFFER, 5 ACK, 6 NAK), 0 when it has none
 * @param xid the transaction it answers
 * @param server the server identifier (option 54), else the address it came from
 * @param offered the address offered to the phone (yiaddr), 0.0.0.0 for none
 * @param nextServer the siaddr field: the server a bootfile comes from
 * @param serverName the sname field, empty when unused or holding options
 * @param bootFile the file field, empty when unused or holding options
 * @param options the options in order; repeated ones joined (RFC 3396)
 * @param problems what could not be read, and why
 */
public record DhcpReply(int type, int xid, String server, String offered, String nextServer, String serverName,
        String bootFile, Map<Integer, byte[]> options, List<String> problems) {

    public DhcpReply {
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
        problems = List.copyOf(problems);
    }

    /** {@code DHCPOFFER}, {@code DHCPACK} … */
    public String typeName() {
        return switch (type) {
            case 2 -> "DHCPOFFER";
            case 5 -> "DHCPACK";
            case 6 -> "DHCPNAK";
            case 0 -> "reply without a message type";
            default -> "DHCP message type " + type;
        };
    }
}
