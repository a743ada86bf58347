package io.hub.app.crash;

import io.hub.phone.sip.DigestAnswer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;

/**
 * REGISTERs from phones over SIP-TLS, several connections at once, each phone moving its one binding
 * from contact {@code k} to {@code k + 1} in one REGISTER (the new contact, the old one with
 * {@code expires=0}). After a kill: every binding whose 200 a phone received is there (or the one
 * that followed it), and no phone is left with its old binding deleted and its new one missing, or
 * with both.
 *
 * <p>The accounts are enrolled phones that learned their passwords by provisioning, as real ones
 * do: the seed enrolls them over the admin API and runs {@code hub phone fleet --provision-only}.
 */
final class RegisterPath implements CrashPath {

    private static final int PHONES = 40;
    private static final int CONNECTIONS = 8;
    private static final Pattern CONTACT_ROUND = Pattern.compile("<sip:[^@>]*-k(\\d+)@");

    private final Path jar;
    private final int registers;
    private final List<Account> accounts = new ArrayList<>();

    /**
     * @param jar the hub's jar, which provisions the phones
     * @param registers REGISTERs the workload sends in all, spread over the phones
     */
    RegisterPath(Path jar, int registers) {
        this.jar = jar;
        this.registers = registers;
    }

    private record Account(String user, String password) {
    }

    private static String mac(int i) {
        return String.format("00809d%06x", i);
    }

    /**
     * Every phone moves its binding as fast as the hub answers, far above the per-AOR REGISTER
     * rate a real phone keeps to, and five phones share each connection, above a flow's request
     * budget: the flood limits are other tests' subject, so they are raised here. (A REGISTER they
     * turn away is answered 503 and stores nothing; the phone's next one removes the contact it
     * last had acknowledged as well, as a real phone would.)
     */
    @Override
    public List<String> settings() {
        return List.of("sipRegistersPerAorPerSecond: 1000", "sipFlowRequestsPer2Seconds: 100000");
    }

    @Override
    public void seed(AdminHttps admin) throws Exception {
        for (int i = 1; i <= PHONES; i++) {
            String body = "{\"mac\":\"" + mac(i) + "\",\"model\":\"Myriad M7\",\"extension\":\"" + (300_000 + i) + "\"}";
            int status = admin.send("POST", "/admin/v1/devices", "application/json",
                    HttpRequest.BodyPublishers.ofString(body));
            if (status != 201) {
                throw new IOException("enrolling " + mac(i) + " was answered " + status);
            }
        }
        HubProcess hub = admin.hub();
        Path accountsFile = hub.home().resolveSibling("register-accounts");
        Path log = hub.home().resolveSibling("register-fleet.log");
        Process fleet = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "phone", "fleet", "--home", hub.home().toString(), "--hub",
                "https://localhost:" + hub.deviceHttps().getPort(), "--count", String.valueOf(PHONES), "--rate", "20",
                "--provision-only", "--attempts", "8", "--timeout", "20", "--first-mac", mac(1), "--accounts-out",
                accountsFile.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!fleet.waitFor(5, TimeUnit.MINUTES)) {
            fleet.destroyForcibly();
            throw new IOException("provisioning the phones did not end; see " + log);
        }
        for (String line : Files.readAllLines(accountsFile)) {
            String[] words = line.strip().split(" ");
            if (words.length == 2) {
                accounts.add(new Account(words[0], words[1]));
            }
        }
        if (accounts.size() != PHONES) {
            throw new IOException("provisioning gave " + accounts.size() + " of " + PHONES + " accounts; see " + log);
        }
        Files.delete(accountsFile);
        Files.delete(log);
    }

    @Override
    public Workload drive(AdminHttps admin) throws Exception {
        HubProcess hub = admin.hub();
        int port = hub.sipTlsPort();
        javax.net.ssl.SSLContext tls = AdminHttps.trusting(hub.home().resolve("pki/ca.pem"));
        Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
        Map<String, Integer> sent = new ConcurrentHashMap<>();
        AtomicInteger answered = new AtomicInteger();
        Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();
        int rounds = Math.max(1, registers / PHONES);
        List<Thread> connections = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            List<Account> mine = new ArrayList<>();
            for (int i = c; i < accounts.size(); i += CONNECTIONS) {
                mine.add(accounts.get(i));
            }
            Thread connection = new Thread(() -> {
                try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
                    socket.setSoTimeout(120_000);
                    Phones phones = new Phones(socket, refused);
                    for (int k = 1; k <= rounds; k++) {
                        for (Account account : mine) {
                            sent.put(account.user, k);
                            if (phones.move(account, k)) {
                                acknowledged.put(account.user, k);
                                answered.incrementAndGet();
                            }
                        }
                    }
                } catch (IOException e) {
                    // The hub is gone: what was acknowledged so far is what counts.
                }
            }, "register-connection-" + c);
            connection.start();
            connections.add(connection);
        }
        for (Thread connection : connections) {
            connection.join();
        }
        Map<String, Integer> refusals = new HashMap<>();
        refused.forEach((answer, count) -> refusals.put(answer, count.get()));
        return new Registered(Map.copyOf(acknowledged), Map.copyOf(sent), answered.get(), rounds * accounts.size(),
                refusals);
    }

    /**
     * The phones of one connection: each with its Call-ID and CSeq, and the digest nonce it was
     * last challenged with (answered again with the next nonce count, as phones do).
     */
    private static final class Phones {
        private final OutputStream out;
        private final InputStream in;
        private final int localPort;
        private final Map<String, DigestAnswer.Challenge> challenges = new HashMap<>();
        private final Map<String, Integer> counts = new HashMap<>();
        private final Map<String, Integer> cseqs = new HashMap<>();
        /** The round each phone last had answered 200: what it believes is registered. */
        private final Map<String, Integer> registered = new HashMap<>();
        private final Map<String, AtomicInteger> refused;

        Phones(SSLSocket socket, Map<String, AtomicInteger> refused) throws IOException {
            this.refused = refused;
            this.out = socket.getOutputStream();
            this.in = new BufferedInputStream(socket.getInputStream());
            this.localPort = socket.getLocalPort();
        }

        /**
         * Moves the phone's binding to contact {@code k}; true when the hub answered 200. Any other
         * final answer is counted by its status line and Warning, so a round the hub turned away can
         * be told from a change it lost.
         */
        boolean move(Account account, int k) throws IOException {
            Response response = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                DigestAnswer.Challenge challenge = challenges.get(account.user);
                String authorization = null;
                if (challenge != null) {
                    int nc = counts.merge(account.user, 1, Integer::sum);
                    authorization = DigestAnswer.authorization(challenge, "REGISTER", "sip:localhost",
                            account.user, account.password, nc, Long.toHexString(System.nanoTime()));
                }
                response = send(account, k, authorization);
                if (response.status == 200) {
                    registered.put(account.user, k);
                    return true;
                }
                if (response.status != 401) {
                    break;
                }
                Optional<DigestAnswer.Challenge> next = DigestAnswer.choose(response.headers("www-authenticate"),
                        DigestAnswer.Preference.MD5);
                if (next.isEmpty()) {
                    break;
                }
                challenges.put(account.user, next.get());
                counts.put(account.user, 0);
            }
            String warning = response.headers("warning").stream().findFirst().map(w -> " (" + w + ")").orElse("");
            refused.computeIfAbsent(response.statusLine + warning, answer -> new AtomicInteger()).incrementAndGet();
            return false;
        }

        private Response send(Account account, int k, String authorization) throws IOException {
            int cseq = cseqs.merge(account.user, 1, Integer::sum);
            String user = account.user;
            StringBuilder request = new StringBuilder()
                    .append("REGISTER sip:localhost SIP/2.0\r\n")
                    .append("Via: SIP/2.0/TLS 127.0.0.1:").append(localPort).append(";branch=z9hG4bK-")
                    .append(user).append('-').append(cseq).append(";rport\r\n")
                    .append("Max-Forwards: 70\r\n")
                    .append("From: <sip:").append(user).append("@localhost>;tag=").append(user).append("\r\n")
                    .append("To: <sip:").append(user).append("@localhost>\r\n")
                    .append("Call-ID: crash-").append(user).append("\r\n")
                    .append("CSeq: ").append(cseq).append(" REGISTER\r\n")
                    .append("Contact: <sip:").append(user).append("-k").append(k)
                    .append("@192.0.2.1;transport=tls>;expires=3600\r\n");
            int last = registered.getOrDefault(user, 0);
            if (k > 1) {
                request.append("Contact: <sip:").append(user).append("-k").append(k - 1)
                        .append("@192.0.2.1;transport=tls>;expires=0\r\n");
            }
            if (last > 0 && last != k - 1) {
                // The round before was turned away: what is registered is the last one acknowledged.
                request.append("Contact: <sip:").append(user).append("-k").append(last)
                        .append("@192.0.2.1;transport=tls>;expires=0\r\n");
            }
            if (authorization != null) {
                request.append("Authorization: ").append(authorization).append("\r\n");
            }
            request.append("User-Agent: hub-crashloop\r\nContent-Length: 0\r\n\r\n");
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return Response.read(in);
        }
    }

    /** A SIP response's status and headers (names in lower case); its body is read and dropped. */
    private record Response(int status, String statusLine, Map<String, List<String>> headers) {

        List<String> headers(String name) {
            return headers.getOrDefault(name, List.of());
        }

        static Response read(InputStream in) throws IOException {
            List<String> lines = new ArrayList<>();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the hub closed the connection");
                }
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.UTF_8).stripTrailing();
                    line.reset();
                    if (text.isEmpty()) {
                        if (lines.isEmpty()) {
                            continue; // a keepalive pong, or the blank line before a message
                        }
                        break;
                    }
                    lines.add(text);
                } else {
                    line.write(b);
                }
            }
            String[] start = lines.get(0).split(" ", 3);
            if (start.length < 2 || !start[0].equals("SIP/2.0")) {
                throw new IOException("not a SIP response: " + lines.get(0));
            }
            Map<String, List<String>> headers = new HashMap<>();
            for (String header : lines.subList(1, lines.size())) {
                int colon = header.indexOf(':');
                if (colon > 0) {
                    headers.computeIfAbsent(header.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                            name -> new ArrayList<>()).add(header.substring(colon + 1).strip());
                }
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", List.of("0")).get(0));
            in.readNBytes(length);
            return new Response(Integer.parseInt(start[1]), lines.get(0).substring(start[0].length() + 1), headers);
        }
    }

    /**
     * What the phones were told: per user, the last contact round answered 200 and the last one
     * sent; how many REGISTERs were answered 200 of how many the workload holds.
     */
    private record Registered(Map<String, Integer> answeredRound, Map<String, Integer> sent, int answered, int total,
            Map<String, Integer> refused) implements Workload {
        @Override
        public String acknowledged() {
            return answered + " of " + total + " REGISTERs answered 200"
                    + (refused.isEmpty() ? "" : ", other answers " + new TreeMap<>(refused));
        }
    }

    @Override
    public Workload unacknowledged() {
        int rounds = Math.max(1, registers / PHONES);
        Map<String, Integer> sent = new HashMap<>();
        accounts.forEach(account -> sent.put(account.user, rounds));
        return new Registered(Map.of(), Map.copyOf(sent), 0, rounds * accounts.size(), Map.of());
    }

    @Override
    public Outcome check(Connection database, Path home, Workload workload) throws SQLException {
        Registered registered = (Registered) workload;
        Map<String, List<Integer>> stored = new HashMap<>();
        int rows = 0;
        try (PreparedStatement query = database.prepareStatement("SELECT aor, contact FROM sip_binding");
                ResultSet row = query.executeQuery()) {
            while (row.next()) {
                rows++;
                String aor = row.getString(1);
                String user = aor.substring(aor.indexOf(':') + 1, aor.indexOf('@'));
                Matcher round = CONTACT_ROUND.matcher(row.getString(2));
                stored.computeIfAbsent(user, u -> new ArrayList<>()).add(round.find()
                        ? Integer.parseInt(round.group(1)) : -1);
            }
        }
        List<String> lost = new ArrayList<>();
        List<String> halfDone = new ArrayList<>();
        for (Account account : accounts) {
            int acknowledged = registered.answeredRound().getOrDefault(account.user, 0);
            int sent = registered.sent().getOrDefault(account.user, 0);
            List<Integer> rounds = stored.getOrDefault(account.user, List.of());
            // Exactly one binding once a REGISTER was answered; none or one before; never the old one
            // gone with its successor missing (no binding), nor both (two), nor one never sent.
            if (rounds.size() > 1 || (rounds.isEmpty() && acknowledged > 0)
                    || rounds.stream().anyMatch(k -> k < 1 || k > sent)) {
                halfDone.add(account.user + " has rounds " + rounds + " (sent up to " + sent + ")");
            }
            if (acknowledged > 0 && rounds.stream().noneMatch(k -> k >= acknowledged)) {
                lost.add(account.user + " answered 200 for round " + acknowledged + ", has " + rounds);
            }
        }
        String survived = rows + " bindings of " + stored.size() + " phones, rounds "
                + stored.values().stream().flatMap(List::stream).mapToInt(Integer::intValue).min().orElse(0) + "-"
                + stored.values().stream().flatMap(List::stream).mapToInt(Integer::intValue).max().orElse(0) + "; "
                + workload.acknowledged();
        return new Outcome(survived, List.of(
                Invariant.of("acknowledged-survives", lost.isEmpty(), lost.size() + " phone(s) lost an acknowledged "
                        + "binding, e.g. " + lost.stream().findFirst().orElse("-")),
                Invariant.of("whole-replacement", halfDone.isEmpty(), halfDone.size() + " phone(s) with a half-done "
                        + "change, e.g. " + halfDone.stream().findFirst().orElse("-"))));
    }
}
