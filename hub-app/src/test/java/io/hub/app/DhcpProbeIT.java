package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hub dhcp probe} on the packaged jar against a real dnsmasq, on a network the test builds
 * itself and nothing else can see: two network namespaces joined by a veth pair, 10.213.0.0/24
 * inside them only. The probe runs in the client namespace, where the veth is the only interface
 * and carries the default route; dnsmasq runs in the server namespace. Every command and every wait
 * has a time limit, and the namespaces and processes are removed after each test, pass or fail
 * (and those of an earlier run that was killed, at the start).
 */
class DhcpProbeIT {

    private static final Path REPOSITORY = Path.of(System.getProperty("hub.repository", ".."))
            .toAbsolutePath().normalize();
    private static final String PREFIX = "hubdhcp-";
    private static final Pattern OURS = Pattern.compile(PREFIX + "(\\d+)-[0-9a-f]+-[cs]");
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(60);
    private static final String HUB_URL = "https://hub.example.com:8443/rdd/v1/discovery";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private String client;
    private String server;
    private String clientLink;
    private String serverLink;
    private Process dnsmasq;

    @BeforeAll
    static void needsRootIpAndDnsmasq() throws Exception {
        assumeTrue(isRoot(), "needs root to make network namespaces");
        assumeTrue(found("ip") && found("dnsmasq"), "needs ip and dnsmasq (scripts/test installs them)");
        removeStaleNamespaces();
    }

    @BeforeEach
    void buildTheNetwork() throws Exception {
        String id = ProcessHandle.current().pid() + "-" + Integer.toHexString(ThreadLocalRandom.current()
                .nextInt(0x1000, 0xffff));
        client = PREFIX + id + "-c";
        server = PREFIX + id + "-s";
        String suffix = id.substring(id.indexOf('-') + 1);
        clientLink = "hdc" + suffix;
        serverLink = "hds" + suffix;
        ok("ip", "netns", "add", client);
        ok("ip", "netns", "add", server);
        // Both ends are made inside the namespaces: the host's own network never sees them.
        ok("ip", "-n", client, "link", "add", clientLink, "type", "veth", "peer", "name", serverLink, "netns", server);
        ok("ip", "-n", client, "link", "set", "lo", "up");
        ok("ip", "-n", server, "link", "set", "lo", "up");
        ok("ip", "-n", server, "address", "add", "10.213.0.1/24", "dev", serverLink);
        ok("ip", "-n", client, "address", "add", "10.213.0.2/24", "dev", clientLink);
        ok("ip", "-n", server, "link", "set", serverLink, "up");
        ok("ip", "-n", client, "link", "set", clientLink, "up");
        ok("ip", "-n", client, "route", "add", "default", "dev", clientLink);
    }

    @AfterEach
    void removeTheNetwork() throws Exception {
        if (dnsmasq != null) {
            dnsmasq.destroy();
            if (!dnsmasq.waitFor(5, TimeUnit.SECONDS)) {
                dnsmasq.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        for (String namespace : new String[] {client, server}) {
            if (namespace != null) {
                removeNamespace(namespace);
            }
        }
    }

    @Test
    void aDnsmasqServingOptions43And66And67IsCaughtWithoutTakingALease() throws Exception {
        serve("""
                dhcp-option=66,"tftp://10.1.1.5"
                dhcp-option=67,"ale/startup.cfg"
                dhcp-option=vendor:alcatel,1,"https://dm.example.net/ale"
                """);

        Result probe = probe("--inform", "--json");

        assertEquals(1, probe.exitCode(), probe.err());
        JsonNode report = JSON.readTree(probe.out());
        assertTrue(report.get("conflict").asBoolean());
        List<String> answers = new ArrayList<>();
        report.get("answers").forEach(a -> answers.add(a.get("type").asText() + " " + a.get("server").asText()));
        assertEquals(List.of("DHCPACK 10.213.0.1", "DHCPOFFER 10.213.0.1"), answers.stream().sorted().toList(),
                "one answer per server and message, although the probe sent to two broadcast addresses");
        List<String> findings = new ArrayList<>();
        report.get("findings").forEach(f -> findings.add(f.get("where").asText() + " " + f.get("option").asInt()
                + " " + f.get("kind").asText() + " " + f.get("severity").asText()));
        assertEquals(List.of(
                "DHCPACK from 10.213.0.1 43 management-url conflict",
                "DHCPACK from 10.213.0.1 66 tftp-server conflict",
                "DHCPACK from 10.213.0.1 67 boot-file conflict",
                "DHCPOFFER from 10.213.0.1 43 management-url conflict",
                "DHCPOFFER from 10.213.0.1 66 tftp-server conflict",
                "DHCPOFFER from 10.213.0.1 67 boot-file conflict"), findings.stream().sorted().toList());
        JsonNode vendor = findFirst(report.get("findings"), 43);
        assertEquals("[vendor class alcatel.sip.0] sub-options 1=\"https://dm.example.net/ale\"",
                vendor.get("decoded").asText());
        String log = Files.readString(dir.resolve("dnsmasq.log"));
        assertTrue(log.contains("DHCPDISCOVER(") && log.contains("DHCPINFORM("), log);
        assertTrue(log.contains("vendor class: alcatel.sip.0"), log);
        assertTrue(!log.contains("DHCPREQUEST") && !log.contains("DHCPRELEASE"), log);
        assertEquals("", Files.readString(dir.resolve("leases")), "the probe never takes a lease");
    }

    @Test
    void aCleanDnsmasqFindsNothing() throws Exception {
        serve("dhcp-option=option:domain-name,example.com\n");

        Result probe = probe("--json");

        assertEquals(0, probe.exitCode(), probe.err());
        JsonNode report = JSON.readTree(probe.out());
        assertEquals("DHCPOFFER", report.get("answers").get(0).get("type").asText());
        assertEquals(0, report.get("findings").size(), probe.out());
        assertEquals("", probe.err());
    }

    @Test
    void anInterfaceWithoutAnIpv4AddressOrRouteIsProbedFromTheDeviceItself() throws Exception {
        ok("ip", "-n", client, "address", "flush", "dev", clientLink);
        serve("dhcp-option=66,\"tftp://10.1.1.5\"\n");

        Result probe = probe("--json");

        assertEquals(1, probe.exitCode(), probe.err());
        JsonNode report = JSON.readTree(probe.out());
        assertEquals("DHCPOFFER 10.213.0.1", report.get("answers").get(0).get("type").asText() + " "
                + report.get("answers").get(0).get("server").asText());
        assertEquals(1, report.get("answers").size());
        assertEquals("tftp-server", findFirst(report.get("findings"), 66).get("kind").asText());
        String log = Files.readString(dir.resolve("dnsmasq.log"));
        assertTrue(log.contains("DHCPDISCOVER(" + serverLink + ")"), log);
        assertTrue(!log.contains("DHCPREQUEST") && !log.contains("DHCPRELEASE"), log);
        assertEquals("", Files.readString(dir.resolve("leases")), "the probe never takes a lease");
        Result inform = probe("--inform");
        assertEquals(2, inform.exitCode());
        assertTrue(inform.err().contains("--inform needs an IPv4 address on " + clientLink), inform.err());
    }

    @Test
    void withoutRootOrWithoutTheInterfaceTheProbeRefusesInOneLine() throws Exception {
        Result noRoot = run(List.of("ip", "netns", "exec", client, "setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", "--", java(), "-jar", jar(), "dhcp", "probe", "--interface", clientLink,
                "--discovery-url", HUB_URL));
        Result noInterface = run(List.of("ip", "netns", "exec", client, java(), "-jar", jar(), "dhcp", "probe",
                "--interface", "hub-nope0", "--discovery-url", HUB_URL));

        assertEquals(2, noRoot.exitCode(), noRoot.err());
        assertEquals("hub: the probe needs root: it binds UDP port 68 and broadcasts (run it with sudo)",
                noRoot.err().strip());
        assertEquals(2, noInterface.exitCode());
        assertEquals("hub: no network interface 'hub-nope0' (ip link lists them)", noInterface.err().strip());
    }

    /** Starts dnsmasq in the server namespace with a working LAN plus {@code extra}, and waits until it serves. */
    private void serve(String extra) throws Exception {
        Path conf = dir.resolve("dnsmasq.conf");
        Files.writeString(conf, String.join("\n",
                "port=0",
                "interface=" + serverLink,
                "bind-interfaces",
                "dhcp-range=10.213.0.100,10.213.0.150,255.255.255.0,10m",
                "dhcp-leasefile=" + dir.resolve("leases"),
                "pid-file=",
                "user=root",
                "log-facility=" + dir.resolve("dnsmasq.log"),
                "log-dhcp",
                "dhcp-option=option:router,10.213.0.1",
                "dhcp-option=option:dns-server,10.213.0.1",
                "dhcp-option=option:ntp-server,10.213.0.1",
                extra));
        Files.writeString(dir.resolve("leases"), "");
        dnsmasq = new ProcessBuilder("ip", "netns", "exec", server, "dnsmasq", "--keep-in-foreground",
                "--conf-file=" + conf).redirectErrorStream(true).redirectOutput(dir.resolve("dnsmasq.out").toFile())
                .start();
        Path log = dir.resolve("dnsmasq.log");
        for (int attempt = 0; attempt < 100; attempt++) {
            if (Files.exists(log) && Files.readString(log).contains("DHCP, sockets bound exclusively")) {
                return;
            }
            if (dnsmasq.waitFor(100, TimeUnit.MILLISECONDS)) {
                break;
            }
        }
        throw new AssertionError("dnsmasq did not start serving within 10 s:\n" + read(dir.resolve("dnsmasq.out"))
                + read(log));
    }

    private Result probe(String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", client, java(), "-jar", jar(), "dhcp",
                "probe", "--interface", clientLink, "--timeout", "6", "--discovery-url", HUB_URL));
        command.addAll(List.of(options));
        return run(command);
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static String jar() {
        return REPOSITORY.resolve("hub-app/target/hub.jar").toString();
    }

    /** Namespaces left by a run that was killed before its clean-up: its JVM is gone. */
    private static void removeStaleNamespaces() throws Exception {
        for (String line : run(List.of("ip", "netns", "list")).out().lines().toList()) {
            String name = line.split("\\s+")[0];
            Matcher ours = OURS.matcher(name);
            if (ours.matches() && ProcessHandle.of(Long.parseLong(ours.group(1))).isEmpty()) {
                removeNamespace(name);
            }
        }
    }

    /** Kills what still runs inside, then deletes it (its veth end goes with it). */
    private static void removeNamespace(String namespace) throws Exception {
        for (String pid : run(List.of("ip", "netns", "pids", namespace)).out().lines().toList()) {
            Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(pid.strip()));
            process.ifPresent(ProcessHandle::destroyForcibly);
        }
        run(List.of("ip", "netns", "delete", namespace));
    }

    private static void ok(String... command) throws Exception {
        Result result = run(List.of(command));
        assertEquals(0, result.exitCode(), String.join(" ", command) + ": " + result.err());
    }

    private static Result run(List<String> command) throws Exception {
        Path out = Files.createTempFile("hub-dhcp-it", ".out");
        Path err = Files.createTempFile("hub-dhcp-it", ".err");
        try {
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
            if (!process.waitFor(COMMAND_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish within " + COMMAND_LIMIT);
            }
            return new Result(process.exitValue(), read(out), read(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static JsonNode findFirst(JsonNode findings, int option) {
        for (JsonNode finding : findings) {
            if (finding.get("option").asInt() == option) {
                return finding;
            }
        }
        throw new AssertionError("no finding for option " + option + " in " + findings);
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private static boolean isRoot() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                .anyMatch(l -> l.split("\\s+")[2].equals("0"));
    }

    private static boolean found(String command) throws Exception {
        return run(List.of("sh", "-c", "command -v " + command)).exitCode() == 0;
    }

    private record Result(int exitCode, String out, String err) {
    }
}
