package io.hub.bench.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
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
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The native packet pump ({@code bench/relay-load/native/rtp-pump.c}) for one load step: it gives each
 * phone its own loopback address on one shared port and says which, then sends and checks the packets
 * of the plan this class writes, and answers with one line of counts. Its file format is described in
 * the C source.
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
    private final int phones;
    private final int firstAddress;
    private final int port;
    private final Path plan;

    private RtpPump(Process process, BufferedReader output, int phones, int firstAddress, int port, Path plan) {
        this.process = process;
        this.output = output;
        this.phones = phones;
        this.firstAddress = firstAddress;
        this.port = port;
        this.plan = plan;
    }

    /**
     * Starts the pump with {@code phones} phones, the first at {@code first} and each next one at the
     * address after it (all within 127.0.0.0/8), and reads the port they share.
     */
    static RtpPump start(Path executable, int phones, Inet4Address first) throws IOException {
        Process process = new ProcessBuilder(executable.toString(), Integer.toString(phones), first.getHostAddress())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.US_ASCII));
        String line = output.readLine();
        String[] words = line == null ? new String[0] : line.split(" ");
        int firstAddress = ByteBuffer.wrap(first.getAddress()).getInt();
        if (words.length != 4 || !words[0].equals("phones") || !words[1].equals(first.getHostAddress())
                || !words[2].equals(text(firstAddress + phones - 1))) {
            process.destroyForcibly();
            throw new IOException("the pump did not take " + phones + " addresses from " + first.getHostAddress()
                    + ": " + line);
        }
        return new RtpPump(process, output, phones, firstAddress, Integer.parseInt(words[3]),
                Files.createTempFile("rtp-pump", ".plan"));
    }

    /** The address and port of the phone at {@code index}. */
    InetSocketAddress phone(int index) {
        return new InetSocketAddress(address(firstAddress + Objects.checkIndex(index, phones)), port);
    }

    long pid() {
        return process.pid();
    }

    /**
     * Writes the plan of {@code ticks} packets per phone, the first {@code warmupTicks} unmeasured;
     * {@code phones} in the order of their indexes, each at the pump's address for it and connected.
     */
    void prepare(List<PumpedPhone> phones, int ticks, int warmupTicks) throws IOException {
        if (phones.size() != this.phones) {
            throw new IllegalArgumentException("the pump has " + this.phones + " phones, not " + phones.size());
        }
        try (FileChannel file = FileChannel.open(plan, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            buffer.putInt(MAGIC).putInt(phones.size()).putInt(ticks).putInt(warmupTicks)
                    .putLong(0).putLong(LoadStep.PERIOD_NANOS);
            for (int i = 0; i < phones.size(); i++) {
                PumpedPhone phone = phones.get(i);
                if (phone.index != i || !phone.address().equals(phone(i))) {
                    throw new IllegalArgumentException("phone " + phone.index + " at " + phone.address()
                            + " is not the pump's phone " + i + " at " + phone(i));
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

    /** The IPv4 address written {@code literal} (dotted, never a name to look up), such as a first phone's. */
    static Inet4Address ipv4(String literal) {
        if (!literal.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new IllegalArgumentException("not a dotted IPv4 address: " + literal);
        }
        try {
            return (Inet4Address) InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 address: " + literal, e);
        }
    }

    private static InetAddress address(int value) {
        try {
            return InetAddress.getByAddress(ByteBuffer.allocate(4).putInt(value).array());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are an IPv4 address", e);
        }
    }

    private static String text(int value) {
        return address(value).getHostAddress();
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
