package io.hub.bench.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The native packet pump ({@code bench/relay-load/native/rtp-pump.c}) for one load step: it opens the
 * phones' sockets and says their ports, then sends and checks the packets of the plan this class
 * writes, and answers with one line of counts. Its file format is described in the C source.
 */
final class RtpPump implements AutoCloseable {

    private static final int MAGIC = 0x504d5052;
    private static final int HEADER = 32;
    private static final int PHONE_ENTRY = 16;
    private static final long START_FIELD = 16;

    /** What the pump counted: packets of the window, checks that failed, its schedule and one-way times. */
    record Outcome(long sent, long received, long rejected, long duplicates, long sendFailures, long late,
                   long inWindow, int p50Micros, int p99Micros) {

        double lateFraction() {
            return inWindow == 0 ? 0 : (double) late / inWindow;
        }
    }

    private final Process process;
    private final BufferedReader output;
    private final int[] ports;
    private final Path plan;

    private RtpPump(Process process, BufferedReader output, int[] ports, Path plan) {
        this.process = process;
        this.output = output;
        this.ports = ports;
        this.plan = plan;
    }

    /** Starts the pump with {@code phones} sockets on {@code address}, and reads their ports. */
    static RtpPump start(Path executable, int phones, InetAddress address) throws IOException {
        Process process = new ProcessBuilder(executable.toString(), Integer.toString(phones), address.getHostAddress())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.US_ASCII));
        String line = output.readLine();
        String[] words = line == null ? new String[0] : line.split(" ");
        if (words.length != phones + 1 || !words[0].equals("ports")) {
            process.destroyForcibly();
            throw new IOException("the pump did not open " + phones + " sockets: " + line);
        }
        int[] ports = new int[phones];
        for (int i = 0; i < phones; i++) {
            ports[i] = Integer.parseInt(words[i + 1]);
        }
        return new RtpPump(process, output, ports, Files.createTempFile("rtp-pump", ".plan"));
    }

    int port(int index) {
        return ports[index];
    }

    long pid() {
        return process.pid();
    }

    /**
     * Writes the plan of {@code ticks} packets per phone, the first {@code warmupTicks} unmeasured;
     * {@code phones} in the order of their indexes, each connected.
     */
    void prepare(List<PumpedPhone> phones, int ticks, int warmupTicks) throws IOException {
        if (phones.size() != ports.length) {
            throw new IllegalArgumentException("the pump has " + ports.length + " sockets, not " + phones.size());
        }
        try (FileChannel file = FileChannel.open(plan, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            buffer.putInt(MAGIC).putInt(phones.size()).putInt(ticks).putInt(warmupTicks)
                    .putLong(0).putLong(LoadStep.PERIOD_NANOS);
            for (int i = 0; i < phones.size(); i++) {
                PumpedPhone phone = phones.get(i);
                if (phone.index != i) {
                    throw new IllegalArgumentException("phone " + phone.index + " is at place " + i);
                }
                byte[] relay = phone.relayPort().getAddress().getAddress();
                if (relay.length != 4) {
                    throw new IllegalArgumentException("the pump speaks IPv4 only, not " + phone.relayPort());
                }
                drainIfFull(file, buffer, PHONE_ENTRY);
                buffer.put(relay).putShort((short) phone.relayPort().getPort()).putShort((short) phone.sendLength())
                        .putShort((short) phone.expectedLength()).putShort((short) 0).putInt(phone.peer().index);
            }
            for (PumpedPhone phone : phones) {
                phone.sending(ticks, packet -> write(file, buffer, packet));
                phone.expected(ticks, packet -> write(file, buffer, packet));
            }
            drain(file, buffer);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Sets the plan's start (a {@link System#nanoTime()}, the pump's monotonic clock) and lets it run. */
    void go(long startNanos) throws IOException {
        try (FileChannel file = FileChannel.open(plan, StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, startNanos), START_FIELD);
        }
        OutputStream input = process.getOutputStream();
        input.write(("go " + plan + "\n").getBytes(StandardCharsets.UTF_8));
        input.flush();
    }

    /** Waits for the pump's counts, at most {@code seconds}. */
    Outcome outcome(long seconds) throws IOException, InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new IOException("the pump did not finish in " + seconds + " s");
        }
        String line = output.readLine();
        if (process.exitValue() != 0 || line == null || !line.startsWith("result ")) {
            throw new IOException("the pump failed (exit " + process.exitValue() + "): " + line);
        }
        Map<String, Long> counts = new HashMap<>();
        for (String pair : line.substring("result ".length()).split(" ")) {
            int equals = pair.indexOf('=');
            counts.put(pair.substring(0, equals), Long.parseLong(pair.substring(equals + 1)));
        }
        return new Outcome(counts.get("sent"), counts.get("received"), counts.get("rejected"),
                counts.get("duplicates"), counts.get("send_failures"), counts.get("late"), counts.get("in_window"),
                Math.toIntExact(counts.get("p50_us")), Math.toIntExact(counts.get("p99_us")));
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        Files.deleteIfExists(plan);
    }

    private static void write(FileChannel file, ByteBuffer buffer, ByteBuffer packet) {
        try {
            drainIfFull(file, buffer, packet.remaining());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buffer.put(packet);
    }

    private static void drainIfFull(FileChannel file, ByteBuffer buffer, int next) throws IOException {
        if (buffer.remaining() < next) {
            drain(file, buffer);
        }
    }

    private static void drain(FileChannel file, ByteBuffer buffer) throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            file.write(buffer);
        }
        buffer.clear();
    }
}
