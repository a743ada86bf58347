package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIPp against the plain TCP port of a hub started as a tester would ({@code hub start
 * --sip-plain-port 0}), with the password a provisioned phone's configuration carries: REGISTER
 * with an MD5 digest, a wrong password answered 403, OPTIONS answered 200. SIPp's exit status and
 * its statistics file are both checked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SippIT {

    private static final Pattern ACCOUNT = Pattern.compile(
            "<account user=\"([^\"]+)\"[^>]* password=\"([^\"]+)\" domain=\"([^\"]+)\"");

    private Path dir;
    private Process hub;
    private int plainPort;
    private String user;
    private String password;
    private String domain;

    @BeforeAll
    void startHubAndProvisionAPhone(@TempDir Path temporary) throws Exception {
        dir = temporary;
        Path home = dir.resolve("var");
        hub = HubScript.command("scripts/hub", "start", "--home", home.toString(), "--bind", "127.0.0.1", "--https-port", "0",
                "--admin-port", "0", "--sip-tls-port", "0", "--web-port", "0", "--sip-plain-port", "0").start();
        String printed = HubScript.untilReady(new BufferedReader(new InputStreamReader(hub.getInputStream(),
                StandardCharsets.UTF_8)));
        plainPort = Integer.parseInt(find(printed, "SIP plain \\(testers\\)\\s+sip:127\\.0\\.0\\.1:(\\d+);transport=tcp"));
        String device = find(printed, "device HTTPS \\(discovery\\)\\s+(https://\\S+)/rdd/v1/discovery");
        String admin = find(printed, "admin HTTPS \\(API, metrics\\)\\s+(https://\\S+)/admin/v1/devices");

        CommandLineRun enroll = CommandLineRun.hub("device", "enroll", "--home", home.toString(), "--admin-url",
                admin + "/", "--mac", "00:80:9f:aa:bb:cc", "--model", "Myriad M7", "--extension", "1001");
        assertEquals(0, enroll.exitCode(), enroll.err());
        CommandLineRun certificate = CommandLineRun.hub("pki", "device-cert", "--home", home.toString(), "--mac",
                "00:80:9f:aa:bb:cc", "--model", "Myriad M7", "--out", dir.resolve("phone").toString());
        assertEquals(0, certificate.exitCode(), certificate.err());
        String config = run(dir, "curl", "-sS", "--fail", "--cacert", home.resolve("pki/ca.pem").toString(), "--cert",
                dir.resolve("phone/cert.pem").toString(), "--key", dir.resolve("phone/key.pem").toString(),
                device + "/prov/v1/config/00809faabbcc.xml").output();
        Matcher account = ACCOUNT.matcher(config);
        assertTrue(account.find(), config);
        user = account.group(1);
        password = account.group(2);
        domain = account.group(3);
    }

    @AfterAll
    void stopHub() throws Exception {
        if (hub != null) {
            run(dir, "kill", "-TERM", String.valueOf(hub.pid()));
            hub.waitFor(30, TimeUnit.SECONDS);
            hub.destroyForcibly();
        }
    }

    @Test
    void registrationsWithAnMd5DigestSucceed() throws Exception {
        Sipp sipp = sipp(scenario("register.xml"), "register", 5, "-au", user, "-ap", password);

        assertEquals(0, sipp.exitCode(), sipp.output());
        assertEquals(5, sipp.statistic("SuccessfulCall(C)"), sipp.output());
        assertEquals(0, sipp.statistic("FailedCall(C)"));
    }

    @Test
    void aWrongPasswordIsAnswered403() throws Exception {
        Sipp sipp = sipp(finalAnswer(403), "wrong-password", 1, "-au", user, "-ap", "not-" + password);

        assertEquals(0, sipp.exitCode(), sipp.output());
        assertEquals(1, sipp.statistic("SuccessfulCall(C)"), sipp.output());
    }

    @Test
    void aScenarioExpectingTheWrongAnswerFails() throws Exception {
        Sipp sipp = sipp(scenario("register.xml"), "expects-200", 1, "-au", user, "-ap", "not-" + password);

        assertNotEquals(0, sipp.exitCode(), "SIPp reports a 403 where its scenario wanted 200");
        assertEquals(1, sipp.statistic("FailedCall(C)"), sipp.output());
    }

    @Test
    void optionsIsAnswered() throws Exception {
        Sipp sipp = sipp(scenario("options.xml"), "options", 5);

        assertEquals(0, sipp.exitCode(), sipp.output());
        assertEquals(5, sipp.statistic("SuccessfulCall(C)"), sipp.output());
    }

    /** The register scenario with another final answer expected in place of 200. */
    private Path finalAnswer(int status) throws Exception {
        String register = Files.readString(scenario("register.xml"));
        int last = register.lastIndexOf("<recv response=\"200\"/>");
        Path changed = dir.resolve("register-" + status + ".xml");
        Files.writeString(changed, register.substring(0, last) + "<recv response=\"" + status + "\"/>"
                + register.substring(last + "<recv response=\"200\"/>".length()));
        return changed;
    }

    private static Path scenario(String name) throws URISyntaxException {
        return Path.of(SippIT.class.getResource("/sipp/" + name).toURI());
    }

    /** SIPp's outcome: its exit status, what it printed, and the last line of its statistics file. */
    private record Sipp(int exitCode, String output, List<String> header, List<String> last) {
        long statistic(String column) {
            int index = header.indexOf(column);
            assertTrue(index >= 0, "no " + column + " in " + header);
            return Long.parseLong(last.get(index).strip());
        }
    }

    /** Runs {@code calls} calls of {@code scenario} over TCP, one at a time, with a global time limit. */
    private Sipp sipp(Path scenario, String name, int calls, String... extra) throws Exception {
        Path work = Files.createDirectories(dir.resolve("sipp-" + name));
        Path statistics = work.resolve("statistics.csv");
        List<String> command = new ArrayList<>(List.of("sipp", "127.0.0.1:" + plainPort, "-t", "t1", "-i",
                "127.0.0.1", "-sf", scenario.toString(), "-s", user, "-key", "domain", domain, "-m",
                String.valueOf(calls), "-l", "1", "-nostdin", "-timeout", "30s", "-timeout_error", "-trace_stat", "-stf",
                statistics.toString(), "-trace_err", "-error_file", work.resolve("errors.log").toString()));
        command.addAll(Arrays.asList(extra));
        Result result = run(work, command.toArray(String[]::new));
        List<String> lines = Files.readAllLines(statistics);
        return new Sipp(result.exitCode(), result.output() + readIfThere(work.resolve("errors.log")),
                List.of(lines.get(0).split(";")), List.of(lines.get(lines.size() - 1).split(";")));
    }

    private static String readIfThere(Path file) throws Exception {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private static String find(String printed, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(printed);
        assertTrue(matcher.find(), "no " + regex + " in\n" + printed);
        return matcher.group(1);
    }

    private static Result run(Path directory, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        return new Result(process.exitValue(), output);
    }

    private record Result(int exitCode, String output) {
    }
}
