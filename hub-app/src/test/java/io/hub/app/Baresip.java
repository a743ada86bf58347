package io.hub.app;

import io.hub.testing.LoopbackPorts;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A baresip phone for the interop tests: its configuration folder written under a test's directory
 * (TLS to the hub's CA, one account registering with RFC 5626 outbound over the hub's TLS port),
 * then the process started with a lifetime and its output in {@code <name>.log} beside the folder.
 * Calls add G.711, mandatory SRTP, a tone file as the microphone, auto-answer and, when asked,
 * baresip's console.
 */
final class Baresip implements AutoCloseable {

    /** The account's parameters for calls: mandatory SDES-SRTP, auto-answer, PCMU only. */
    private static final String CALLS = ";mediaenc=srtp-mand;answermode=auto;audio_codecs=PCMU";
    private static final int CONSOLE_ATTEMPTS = 5;
    private static final String READY = "baresip is ready.";
    private static final String CONSOLE_REFUSED = "cons: failed to listen";

    private final Process process;
    final Path log;
    private final int console;

    private Baresip(Process process, Path log, int console) {
        this.process = process;
        this.log = log;
        this.console = console;
    }

    /** What a phone needs to register: where its files go, the hub's CA and TLS port, its account and SIP domain. */
    record Account(Path dir, String name, Path hubCa, int tlsPort, String user, String password, String domain) {

        /** An account in the domain {@code localhost}, a hub's default one in the tests. */
        Account(Path dir, String name, Path hubCa, int tlsPort, String user, String password) {
            this(dir, name, hubCa, tlsPort, user, password, "localhost");
        }
    }

    /** A phone that only registers and keeps its flow. */
    static Baresip register(Account account, int lifetimeSeconds) throws IOException {
        return start(account, lifetimeSeconds, List.of("module_app account.so"), "", 0);
    }

    /**
     * A phone that makes and auto-answers calls: SRTP mandatory, PCMU only, {@code tone} as the
     * microphone; {@code withConsole}, baresip also takes commands (such as {@code /dial}) through
     * {@link #command}.
     */
    static Baresip calls(Account account, int lifetimeSeconds, Path tone, boolean withConsole)
            throws IOException, InterruptedException {
        if (!withConsole) {
            return start(account, lifetimeSeconds, callConfig(tone, 0), CALLS, 0);
        }
        // baresip's console listens on UDP and TCP alike and goes without when either bind fails,
        // so a port is taken only once baresip says it is ready without having refused it.
        for (int attempt = 1; ; attempt++) {
            int port = LoopbackPorts.free();
            Baresip phone = start(account, lifetimeSeconds, callConfig(tone, port), CALLS, port);
            String said = phone.awaitReady();
            if (said.contains(READY) && !said.contains(CONSOLE_REFUSED)) {
                return phone;
            }
            phone.close();
            if (attempt == CONSOLE_ATTEMPTS) {
                throw new IOException("baresip did not start with a console in " + attempt + " attempts:\n" + said);
            }
        }
    }

    private static List<String> callConfig(Path tone, int console) {
        List<String> lines = new ArrayList<>(List.of("module aufile.so", "module rtcpsummary.so"));
        if (console != 0) {
            lines.addAll(List.of("module cons.so", "cons_listen 127.0.0.1:" + console));
        }
        lines.addAll(List.of("module_app menu.so", "module_app account.so", "audio_source aufile," + tone,
                "rtp_timeout 0"));
        return lines;
    }

    /** baresip's output once it said it is ready, or ended, or after ten seconds. */
    private String awaitReady() throws IOException, InterruptedException {
        for (int i = 0; i < 200; i++) {
            String said = Files.exists(log) ? Files.readString(log) : "";
            if (said.contains(READY) || !process.isAlive()) {
                return said;
            }
            Thread.sleep(50);
        }
        return Files.readString(log);
    }

    private static Baresip start(Account account, int lifetimeSeconds, List<String> extraConfig, String accountExtras,
            int console) throws IOException {
        Path config = account.dir().resolve(account.name());
        Files.createDirectories(config);
        List<String> lines = new ArrayList<>(List.of("sip_listen 127.0.0.1:0", "sip_cafile " + account.hubCa(),
                "sip_trans_def tls", "module_path /usr/lib/baresip/modules", "module uuid.so", "module g711.so",
                "module srtp.so"));
        lines.addAll(extraConfig);
        lines.add("");
        Files.writeString(config.resolve("config"), String.join("\n", lines));
        Files.writeString(config.resolve("accounts"), "<sip:" + account.user() + "@" + account.domain() + ";transport=tls>;auth_pass="
                + account.password() + ";outbound=\"sip:127.0.0.1:" + account.tlsPort()
                + ";transport=tls\";regint=600;sipnat=outbound" + accountExtras + "\n");
        Path log = account.dir().resolve(account.name() + ".log");
        Process process = new ProcessBuilder("baresip", "-f", config.toString(), "-t", String.valueOf(lifetimeSeconds))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Baresip(process, log, console);
    }

    /** A 440 Hz tone, 8 kHz mono 16-bit PCM: what the G.711 codec takes. */
    static void writeTone(Path file, int seconds) throws IOException {
        int samples = 8000 * seconds;
        ByteBuffer wav = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        wav.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples * 2)
                .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(8000).putInt(16000).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples * 2);
        for (int i = 0; i < samples; i++) {
            wav.putShort((short) (8000 * Math.sin(2 * Math.PI * 440 * i / 8000.0)));
        }
        Files.write(file, wav.array());
    }

    /** Sends this phone's console (see {@link #calls}) one command line, over UDP. */
    void command(String line) throws IOException {
        if (console == 0) {
            throw new IllegalStateException("this baresip was started without a console");
        }
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] bytes = (line + "\n").getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), console));
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Asks baresip to quit, and kills it if it has not within ten seconds. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
