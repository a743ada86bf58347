package io.hub.app.dhcp;

import io.hub.app.HomeOption;
import io.hub.app.HubVersion;
import io.hub.app.UserError;
import io.hub.dhcp.AlePhones;
import io.hub.dhcp.DhcpRules;
import io.hub.dhcp.Finding;
import io.hub.dhcp.DhcpCheck;
import io.hub.dhcp.DhcpCheckException;
import io.hub.dhcp.ProbeReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hub dhcp check} and {@code hub dhcp probe}: the DHCP options 43, 66 and 67 that take ALE
 * phones away from zero-touch, found in a server's configuration or on the network. Exit status 0
 * when nothing conflicts, 1 when something does, 2 when the input cannot be read (SPEC §6).
 */
@Command(name = "dhcp", mixinStandardHelpOptions = true, versionProvider = HubVersion.class,
        description = {"Find the DHCP options (43, 66, 67 …) that break zero-touch, and say how to fix them.",
                "Exit status: 0 nothing conflicts, 1 a conflict was found, 2 the input could not be read."},
        subcommands = {DhcpCommand.Check.class, DhcpCommand.Probe.class},
        commandListHeading = "%nCommands:%n")
public final class DhcpCommand implements Runnable {

    /** The exit status when a finding breaks zero-touch. */
    static final int CONFLICT = 1;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options both subcommands share. */
    static final class Output {
        @Mixin
        HomeOption home;
        @Option(names = "--discovery-url", paramLabel = "URL",
                description = "The hub's discovery URL to compare with (default: from hub.yaml, "
                        + "https://<publicAddress>:<httpsPort>/rdd/v1/discovery).")
        String discoveryUrl;
        @Option(names = "--json", description = "Print the findings as JSON.")
        boolean json;
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Check a DHCP server's configuration file for options that reach ALE phones.",
                    "Every finding names its option, value, scope (global, subnet, class, host), why it breaks "
                            + "zero-touch and the fix."})
    static final class Check implements Callable<Integer> {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;
        @Mixin
        Output output;
        @Spec
        CommandSpec spec;

        static final class Source {
            @Option(names = "--dnsmasq", paramLabel = "FILE", description = "A dnsmasq configuration.")
            Path dnsmasq;
            @Option(names = "--isc", paramLabel = "FILE", description = "An ISC dhcpd configuration (dhcpd.conf).")
            Path isc;
            @Option(names = "--kea", paramLabel = "FILE", description = "A Kea DHCPv4 configuration (JSON).")
            Path kea;
        }

        @Override
        public Integer call() {
            DhcpRules rules = new DhcpRules(DiscoveryDefaults.resolve(output.home, output.discoveryUrl));
            String server = source.dnsmasq != null ? "dnsmasq" : source.isc != null ? "isc" : "kea";
            Path file = source.dnsmasq != null ? source.dnsmasq : source.isc != null ? source.isc : source.kea;
            List<Finding> findings;
            try {
                findings = DhcpCheck.configuration(server, file, rules);
            } catch (DhcpCheckException e) {
                throw new UserError(e.getMessage());
            }
            FindingReport report = new FindingReport(server + " " + file, rules.hub().toString(), findings);
            if (output.json) {
                report.json(spec.commandLine().getOut(), List.of(), List.of());
            } else {
                report.table(spec.commandLine().getOut(), Terminal.colours());
            }
            return Finding.anyConflict(findings) ? CONFLICT : 0;
        }
    }

    @Command(name = "probe", mixinStandardHelpOptions = true,
            description = {"Ask the DHCP servers on a network what they give an ALE phone (needs root).",
                    "Sends DHCPDISCOVER (and DHCPINFORM with --inform) on that interface only, collects every "
                            + "answer until the timeout, and never takes or releases a lease."})
    static final class Probe implements Callable<Integer> {
        @Option(names = "--interface", required = true, paramLabel = "IF", description = "The interface to probe.")
        String device;
        @Option(names = "--timeout", paramLabel = "S", defaultValue = "5",
                description = "Seconds to collect answers, 1 to 60 (default 5).")
        int timeout;
        @Option(names = "--inform", description = "Also send a DHCPINFORM from the interface's address.")
        boolean inform;
        @Option(names = "--vendor-class", paramLabel = "TEXT", defaultValue = AlePhones.VENDOR_CLASS,
                description = "The option 60 to send (default " + AlePhones.VENDOR_CLASS + ", as an ALE SIP phone).")
        String vendorClass;
        @Mixin
        Output output;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (timeout < 1 || timeout > 60) {
                throw new UserError("--timeout must be 1 to 60 seconds, not " + timeout);
            }
            if (vendorClass.isEmpty() || vendorClass.length() > 255 || !vendorClass.chars().allMatch(c -> c >= 0x20
                    && c < 0x7f)) {
                throw new UserError("--vendor-class must be 1 to 255 printable ASCII characters");
            }
            DhcpRules rules = new DhcpRules(DiscoveryDefaults.resolve(output.home, output.discoveryUrl));
            ProbeReport probed;
            try {
                probed = DhcpCheck.probe(device, Duration.ofSeconds(timeout), inform, vendorClass, rules);
            } catch (DhcpCheckException e) {
                throw new UserError(e.getMessage());
            }
            FindingReport report = new FindingReport("probe on " + device, rules.hub().toString(), probed.findings());
            if (output.json) {
                report.json(spec.commandLine().getOut(), probed.answers(), probed.notes());
            } else {
                report.answers(spec.commandLine().getOut(), probed.answers(), probed.notes());
                report.table(spec.commandLine().getOut(), Terminal.colours());
            }
            return Finding.anyConflict(probed.findings()) ? CONFLICT : 0;
        }
    }
}
