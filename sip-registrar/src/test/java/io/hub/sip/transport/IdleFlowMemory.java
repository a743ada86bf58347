package io.hub.sip.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Measures what an idle SIP-TLS flow costs a running hub: opens {@code count} TLS connections that
 * handshake and then say nothing, and reads the hub's resident memory from /proc before and after.
 * The connections come from many loopback source addresses, as phones would, so the per-address
 * density limit does not refuse them.
 *
 * <p>Run by scripts/sip-idle-memory: {@code IdleFlowMemory HUB_PID PORT CA_PEM COUNT}.
 */
public final class IdleFlowMemory {

    private static final int SOURCES = 100;

    private IdleFlowMemory() {
    }

    public static void main(String[] args) throws Exception {
        long pid = Long.parseLong(args[0]);
        int port = Integer.parseInt(args[1]);
        SSLContext tls = trusting(Path.of(args[2]));
        int count = Integer.parseInt(args[3]);

        List<SSLSocket> warmup = open(tls, port, 300, Collections.synchronizedList(new ArrayList<>()));
        closeAll(warmup);
        Thread.sleep(3_000);
        gc(pid);
        long before = rssKiB(pid);
        long heapBefore = heapUsedKiB(pid);
        if (Boolean.getBoolean("nmt")) {
            jcmd(pid, "VM.native_memory baseline");
        }
        System.out.printf("before: rss %d KiB, heap used %d KiB%n", before, heapBefore);

        long started = System.nanoTime();
        List<SSLSocket> idle = Collections.synchronizedList(new ArrayList<>());
        // A keepalive ping every 20 s, as phones send, so no connection reaches the 60 s idle limit.
        java.util.concurrent.ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();
        pinger.scheduleAtFixedRate(() -> ping(idle), 20, 20, TimeUnit.SECONDS);
        open(tls, port, count, idle);
        System.out.printf("opened %d of %d idle TLS connections in %.1f s%n", idle.size(), count,
                (System.nanoTime() - started) / 1e9);
        Thread.sleep(5_000);
        long after = rssKiB(pid);
        gc(pid);
        long afterGc = rssKiB(pid);
        long heapAfter = heapUsedKiB(pid);
        int alive = idle.size();
        System.out.printf("after: rss %d KiB (%d KiB after a full GC), heap used %d KiB%n", after, afterGc,
                heapAfter);
        System.out.printf("per idle TLS connection: rss %.1f KiB (%.1f KiB after GC), live heap %.1f KiB%n",
                (after - before) / (double) alive, (afterGc - before) / (double) alive,
                (heapAfter - heapBefore) / (double) alive);
        if (Boolean.getBoolean("nmt")) {
            System.out.println(jcmd(pid, "VM.native_memory summary.diff"));
        }
        if (Boolean.getBoolean("histogram")) {
            jcmd(pid, "GC.class_histogram").lines().limit(40).forEach(System.out::println);
        }
        pinger.shutdownNow();
        closeAll(idle);
    }

    private static void ping(List<SSLSocket> sockets) {
        synchronized (sockets) {
            for (SSLSocket socket : sockets) {
                try {
                    socket.getOutputStream().write(new byte[] {'\r', '\n', '\r', '\n'});
                } catch (IOException e) {
                    System.out.println("ping failed: " + e.getMessage());
                }
            }
        }
    }

    /** Opens {@code count} connections into {@code sockets} (synchronised), four at a time. */
    private static List<SSLSocket> open(SSLContext tls, int port, int count, List<SSLSocket> sockets)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.execute(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    try {
                        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket();
                        socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + (2 + i % SOURCES)), 0));
                        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
                        socket.startHandshake();
                        sockets.add(socket);
                    } catch (IOException e) {
                        System.out.println("connection " + i + " failed: " + e.getMessage());
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.MINUTES);
        return sockets;
    }

    private static void closeAll(List<SSLSocket> sockets) {
        for (SSLSocket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing is all that is wanted.
            }
        }
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("hub", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    static long rssKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    /** A full collection, then a moment for the collector to hand freed heap back to the system. */
    private static void gc(long pid) throws Exception {
        jcmd(pid, "GC.run");
        Thread.sleep(3_000);
    }

    /** The heap in use after the last collection, from {@code jcmd GC.heap_info}. */
    private static long heapUsedKiB(long pid) throws Exception {
        String info = jcmd(pid, "GC.heap_info");
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
        return used.find() ? Long.parseLong(used.group(1)) : -1;
    }

    private static String jcmd(long pid, String command) throws Exception {
        List<String> line = new ArrayList<>(List.of("jcmd", Long.toString(pid)));
        line.addAll(List.of(command.split(" ")));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        process.waitFor(60, TimeUnit.SECONDS);
        return out;
    }
}
