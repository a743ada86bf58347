package io.hub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster for tests and for the crash loop ({@code hub crashloop --database
 * postgresql}), which is why it is main code: {@code initdb} into a temporary directory, one
 * {@code postgres} listening on 127.0.0.1 on a free port (its unix socket in that directory too),
 * password authentication for one superuser. {@link #close} stops it and deletes the directory.
 *
 * <p>{@code initdb} refuses to run as root, so under root every PostgreSQL program runs as the
 * {@code postgres} OS user ({@code runuser -u postgres --}) and the directory is handed to it. The
 * programs are looked for on the PATH, then in Debian's {@code /usr/lib/postgresql/VERSION/bin}
 * (the package {@code postgresql}); without them {@link #start} fails saying what to install.
 *
 * <p>{@link #shared} is one cluster per test JVM, stopped and deleted when the JVM exits; a test
 * that stops and restarts its database under a running hub starts one of its own.
 */
public final class TestPostgres implements AutoCloseable {

    private static final String USER = "hub";
    private static final long PROGRAM_SECONDS = 120;
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static TestPostgres shared;

    private final Path bin;
    private final Path directory;
    private final int port;
    private final String password;
    private final boolean asPostgresUser;
    private boolean running;

    private TestPostgres(Path bin, Path directory, int port, String password, boolean asPostgresUser) {
        this.bin = bin;
        this.directory = directory;
        this.port = port;
        this.password = password;
        this.asPostgresUser = asPostgresUser;
    }

    /** The cluster of this JVM's tests, started at the first call and removed when the JVM exits. */
    public static synchronized TestPostgres shared() {
        if (shared == null) {
            TestPostgres cluster = start();
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "test-postgres-stop"));
            shared = cluster;
        }
        return shared;
    }

    /**
     * Creates and starts a cluster of its own.
     *
     * @throws IllegalStateException when PostgreSQL is not installed or does not start (its log is in the message)
     */
    public static TestPostgres start() {
        Path bin = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path directory;
        int port;
        try {
            directory = Files.createTempDirectory("test-postgres-");
            if (root) {
                giveToPostgres(directory);
            }
            port = LoopbackPorts.free();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestPostgres cluster = new TestPostgres(bin, directory, port, UUID.randomUUID().toString(), root);
        try {
            cluster.initialise();
            cluster.resume();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** A new empty database on this cluster: its JDBC URL, with user and password. */
    public String newDatabase() {
        String name = "test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection connection = DriverManager.getConnection(url("postgres"));
                Statement sql = connection.createStatement()) {
            sql.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return url(name);
    }

    /**
     * Creates database {@code name} as a copy of database {@code template} (CREATE DATABASE ... TEMPLATE):
     * nobody may be connected to the template meanwhile.
     *
     * @return the JDBC URL of the copy, with user and password
     * @throws IllegalArgumentException when a name is not a lower-case SQL identifier
     * @throws IllegalStateException when PostgreSQL refuses (the template in use, the name taken)
     */
    public String copyDatabase(String template, String name) {
        for (String identifier : List.of(template, name)) {
            if (!identifier.matches("[a-z_][a-z0-9_]{0,62}")) {
                throw new IllegalArgumentException("not a database name: " + identifier);
            }
        }
        try (Connection connection = DriverManager.getConnection(url("postgres"));
                Statement sql = connection.createStatement()) {
            sql.execute("CREATE DATABASE " + name + " TEMPLATE " + template);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " from " + template + ": "
                    + e.getMessage(), e);
        }
        return url(name);
    }

    /** Drops database {@code name} if it exists, cutting its connections (PostgreSQL 13 and later). */
    public void dropDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a database name: " + name);
        }
        try (Connection connection = DriverManager.getConnection(url("postgres"));
                Statement sql = connection.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop database " + name + ": " + e.getMessage(), e);
        }
    }

    /** The JDBC URL of database {@code name}, in the form an operator writes in hub.yaml. */
    public String url(String name) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=" + USER + "&password=" + password;
    }

    public int port() {
        return port;
    }

    /** Stops the server (fast shutdown: open connections are cut), keeping its data. */
    public synchronized void stop() {
        if (running) {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "fast", "-w", "stop"));
            running = false;
        }
    }

    /** Starts the server again on the same port and data, after {@link #stop}. */
    public synchronized void resume() {
        if (!running) {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-l",
                    directory.resolve("postgres.log").toString(), "-w", "-t", "60", "-o",
                    "-c listen_addresses=127.0.0.1 -p " + port + " -k " + directory
                            + " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
                            + " -c max_connections=200", "start"));
            running = true;
        }
    }

    /** Stops the server and deletes its directory. */
    @Override
    public synchronized void close() {
        try {
            stop();
        } catch (RuntimeException e) {
            System.err.println("test-postgres: " + e.getMessage());
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            System.err.println("test-postgres: cannot delete " + directory + ": " + e);
        }
    }

    private void initialise() {
        Path passwordFile = directory.resolve("password");
        try {
            Files.writeString(passwordFile, password + "\n", StandardCharsets.US_ASCII);
            if (asPostgresUser) {
                giveToPostgres(passwordFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", data().toString(), "-U", USER, "--pwfile="
                + passwordFile, "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"));
    }

    private Path data() {
        return directory.resolve("data");
    }

    private void run(List<String> program) {
        List<String> command = new ArrayList<>();
        if (asPostgresUser) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.addAll(program);
        Path output = directory.resolve("program.out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).directory(directory.toFile()).start();
            if (!process.waitFor(PROGRAM_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(program.get(0) + " did not finish within " + PROGRAM_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", program) + " failed (exit " + process.exitValue()
                        + "): " + Files.readString(output) + log());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private String log() throws IOException {
        Path log = directory.resolve("postgres.log");
        return Files.exists(log) ? "\npostgres.log:\n" + Files.readString(log) : "";
    }

    private static Path binaries() {
        List<Path> candidates = new ArrayList<>();
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isEmpty()) {
                candidates.add(Path.of(entry));
            }
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            // The newest installed major version first.
            versions.sorted(Comparator.comparing(TestPostgres::majorVersion).reversed())
                    .forEach(version -> candidates.add(version.resolve("bin")));
        } catch (IOException e) {
            // No Debian layout: only the PATH is searched.
        }
        return candidates.stream().filter(dir -> Files.isExecutable(dir.resolve("initdb"))
                        && Files.isExecutable(dir.resolve("pg_ctl")))
                .findFirst().orElseThrow(() -> new IllegalStateException("PostgreSQL is not installed: no initdb "
                        + "and pg_ctl on the PATH or in /usr/lib/postgresql/*/bin (apt-get install -y postgresql)"));
    }

    private static int majorVersion(Path directory) {
        try {
            return Integer.parseInt(directory.getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void giveToPostgres(Path path) throws IOException {
        UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = users.lookupPrincipalByName("postgres");
        GroupPrincipal group = users.lookupPrincipalByGroupName("postgres");
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(user);
        view.setGroup(group);
    }
}
