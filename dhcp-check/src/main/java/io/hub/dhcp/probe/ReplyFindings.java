package io.hub.dhcp.probe;

import io.hub.dhcp.DhcpRules;
import io.hub.dhcp.Finding;
import io.hub.dhcp.OptionValue;
import io.hub.dhcp.Scope;
import io.hub.dhcp.decode.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The findings of one reply: its options as a phone reads them, with the header fields that stand for 66/67. */
final class ReplyFindings {

    private ReplyFindings() {
    }

    static List<Finding> of(DhcpReply reply, DhcpRules rules, String sentVendorClass) {
        String where = reply.typeName() + " from " + reply.server();
        Scope scope = new Scope(Scope.Level.REPLY, where, true, "");
        List<Finding> findings = new ArrayList<>();
        reply.problems().forEach(problem -> findings.add(rules.malformedReply(problem, scope, where)));
        Map<Integer, byte[]> options = reply.options();
        List<OptionValue> values = new ArrayList<>();
        options.forEach((code, bytes) -> values.add(OptionValue.wire(code, bytes, where)));
        if (!options.containsKey(67) && !reply.bootFile().isEmpty()) {
            values.add(new OptionValue(67, reply.bootFile().getBytes(StandardCharsets.ISO_8859_1),
                    "file field \"" + reply.bootFile() + "\"", where));
        }
        String vendorClass = options.containsKey(60) ? Bytes.text(options.get(60)) : sentVendorClass;
        findings.addAll(rules.check(values, scope, new DhcpRules.Context(vendorClass, bootServer(reply))));
        if (reply.type() == 2 || reply.type() == 5) {
            findings.addAll(rules.basics(options.keySet(), scope, "the " + reply.typeName(), where));
        }
        return findings;
    }

    /** Where a bootfile would be fetched from: option 66, else the sname field, else siaddr. */
    private static String bootServer(DhcpReply reply) {
        byte[] tftp = reply.options().get(66);
        if (tftp != null && tftp.length > 0) {
            return Bytes.text(tftp);
        }
        if (!reply.serverName().isEmpty()) {
            return reply.serverName();
        }
        return reply.nextServer().equals("0.0.0.0") ? null : reply.nextServer();
    }
}
