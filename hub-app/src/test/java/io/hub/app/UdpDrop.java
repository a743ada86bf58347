package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An nftables rule for a test: every UDP datagram that a process of group {@code gid} sends to a
 * port in {@code minPort..maxPort} is dropped on its way out. The browser of the TURN test runs in
 * that group (see {@link Chromium#startInGroup}), so its UDP never reaches the relay directly, while
 * coturn's relayed datagrams and the desk phone's (root's group) still do. The rule lives in a table
 * of its own, named after this JVM, so {@link #close()} removes exactly it and nothing of the
 * machine's own ruleset is touched.
 *
 * <p>A missing {@code nft} is a failure (scripts/test installs nftables); a kernel or container that
 * refuses nftables rules is a skip, saying so.
 */
final class UdpDrop implements AutoCloseable {

    private static final Path NFT = Path.of("/usr/sbin/nft");

    private final String table;

    private UdpDrop(String table) {
        this.table = table;
    }

    /** Installs the rule; aborts the test (a skip) when the kernel refuses it. */
    static UdpDrop install(int gid, int minPort, int maxPort) throws IOException, InterruptedException {
        assertTrue(Files.isExecutable(NFT), "the TURN test needs nftables to block the browser's UDP: apt-get "
                + "install -y nftables (scripts/test installs it)");
        String table = "hub_test_udp_drop_" + ProcessHandle.current().pid();
        // "add" first so that "delete" finds the table even if a run killed earlier left it behind.
        String script = "add table inet " + table + "\n"
                + "delete table inet " + table + "\n"
                + "table inet " + table + " {\n"
                + "  chain out {\n"
                + "    type filter hook output priority 0; policy accept;\n"
                + "    meta skgid " + gid + " udp dport " + minPort + "-" + maxPort + " counter drop\n"
                + "  }\n"
                + "}\n";
        Result result = nft(script, "-f", "-");
        if (result.status != 0) {
            String lower = result.output.toLowerCase(Locale.ROOT);
            if (lower.contains("operation not permitted") || lower.contains("not supported")
                    || lower.contains("no such file or directory") || lower.contains("permission denied")) {
                abort("the kernel refused the nftables rule that blocks the browser's UDP: " + result.output.strip());
            }
            throw new AssertionError("nft refused the rule (exit " + result.status + "): " + result.output);
        }
        return new UdpDrop(table);
    }

    /** The rule as nft lists it, with its counter of dropped packets (for failure messages). */
    String listing() {
        try {
            return nft("", "list", "table", "inet", table).output;
        } catch (IOException | InterruptedException e) {
            return "(nft list failed: " + e.getMessage() + ")";
        }
    }

    /** Datagrams the rule has dropped so far. */
    long dropped() {
        Matcher counter = Pattern.compile("counter packets (\\d+)").matcher(listing());
        return counter.find() ? Long.parseLong(counter.group(1)) : 0;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        Result result = nft("", "delete", "table", "inet", table);
        if (result.status != 0) {
            throw new IOException("nft could not remove " + table + ": " + result.output);
        }
    }

    private record Result(int status, String output) {
    }

    private static Result nft(String input, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(NFT.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("nft did not finish: " + String.join(" ", command));
        }
        return new Result(process.exitValue(), output);
    }
}
