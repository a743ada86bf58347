package io.hub.relay.dtls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The openssl command line as the independent DTLS peer of the interop tests. Every wait is bounded. */
final class OpenSsl implements AutoCloseable {

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = new ArrayList<>();

    private OpenSsl(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "test-openssl-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static boolean available() {
        try {
            Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs openssl with its standard input at end: s_client closes once its handshake is done. */
    static OpenSsl start(List<String> arguments) throws IOException {
        return start(arguments, false);
    }

    /** An s_server quits at the end of its input, so {@code keepInputOpen} gives it a pipe nobody writes to. */
    static OpenSsl start(List<String> arguments, boolean keepInputOpen) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.redirectInput(keepInputOpen ? ProcessBuilder.Redirect.PIPE
                : ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return new OpenSsl(builder.start());
    }

    /** Makes a self-signed P-256 certificate and key, as a browser does; returns {certificate, key}. */
    static Path[] selfSigned(Path folder, String name) throws IOException, InterruptedException {
        Path certificate = folder.resolve(name + ".crt");
        Path key = folder.resolve(name + ".key");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", certificate.toString(),
                "-subj", "/CN=" + name, "-days", "2").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl req failed: " + output);
        }
        return new Path[] {certificate, key};
    }

    /** The DER bytes of a PEM certificate file. */
    static byte[] der(Path pem) throws IOException {
        String text = Files.readString(pem);
        String body = text.substring(text.indexOf("-----BEGIN CERTIFICATE-----") + 27, text.indexOf("-----END CERTIFICATE-----"));
        return Base64.getMimeDecoder().decode(body);
    }

    /** The first output line starting with {@code prefix}, or null if the output ended or 30 s passed without it. */
    String await(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                all.add(line);
                if (line.strip().startsWith(prefix)) {
                    return line.strip();
                }
            } else if (!process.isAlive() && lines.isEmpty()) {
                return null;
            }
        }
        return null;
    }

    /** Everything read so far, for failure messages. */
    String output() {
        List<String> seen = new ArrayList<>(all);
        seen.addAll(lines);
        return String.join("\n", seen);
    }

    boolean waitFor() throws InterruptedException {
        return process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
