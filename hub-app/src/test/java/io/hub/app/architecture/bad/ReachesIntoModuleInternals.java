package io.hub.app.architecture.bad;

import io.hub.dhcp.DhcpRules;
import io.hub.dhcp.config.ConfigChecker;
import io.hub.dhcp.probe.ProbePlan;
import io.hub.phone.provisioning.Discovery;
import io.hub.relay.control.Bencode;
import io.hub.relay.control.BencodeException;

/**
 * A hub-app class as it must not be: it reads the DHCP checker's probe and configuration checkers, the
 * relay's ng control and the emulator's provisioning client instead of their modules' public faces.
 */
public final class ReachesIntoModuleInternals {

    private ReachesIntoModuleInternals() {
    }

    public static int destinations(ProbePlan plan) {
        return plan.destinations().size();
    }

    public static int findings(java.nio.file.Path file, DhcpRules rules) {
        return ConfigChecker.forServer("kea").check(file, rules).size();
    }

    public static Object decode(byte[] ng) throws BencodeException {
        return Bencode.decode(ng);
    }

    public static String state(byte[] discovery) {
        return Discovery.parse(discovery).state();
    }
}
