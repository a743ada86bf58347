package io.hub.app.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tenant creation from several operator clients at once ({@code POST /admin/v1/tenants}, what
 * {@code hub tenant add} sends). After a kill a tenant is whole or absent: its row with its SIP
 * domain, its token (the one answered, when it was answered) and its {@code tenant-create} audit
 * row; never a row without its audit entry, nor an audit entry without its row.
 */
final class TenantPath implements CrashPath {

    private static final int CLIENTS = 4;
    private static final String PREFIX = "crash-t";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int count;

    /** @param count how many tenants the workload creates, spread over the clients */
    TenantPath(int count) {
        this.count = count;
    }

    private static String name(int i) {
        return String.format(PREFIX + "%05d", i);
    }

    @Override
    public void seed(AdminHttps admin) {
        // Tenants are created from a hub with only its default tenant.
    }

    @Override
    public Workload drive(AdminHttps admin) throws Exception {
        Map<String, String> tokens = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Thread client = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    try {
                        HttpResponse<String> answer = admin.exchange("POST", "/admin/v1/tenants", "application/json",
                                HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name(i) + "\"}"));
                        if (answer.statusCode() == 201) {
                            JsonNode created = JSON.readTree(answer.body());
                            tokens.put(created.path("name").asText(), created.path("token").asText());
                        }
                    } catch (java.io.IOException e) {
                        return; // the hub is gone
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, "tenant-client-" + c);
            client.start();
            clients.add(client);
        }
        for (Thread client : clients) {
            client.join();
        }
        return new Created(Map.copyOf(tokens), count);
    }

    /** Per tenant answered 201, the token it was given. */
    private record Created(Map<String, String> tokens, int count) implements Workload {
        @Override
        public String acknowledged() {
            return tokens.size() + " of " + count + " tenants answered 201";
        }
    }

    @Override
    public Workload unacknowledged() {
        return new Created(Map.of(), count);
    }

    @Override
    public Outcome check(Connection database, Path home, Workload workload) throws SQLException {
        Map<String, String[]> rows = new HashMap<>();
        try (PreparedStatement query = database.prepareStatement(
                "SELECT id, token_sha256, sip_domain FROM tenant WHERE id LIKE '" + PREFIX + "%'");
                ResultSet row = query.executeQuery()) {
            while (row.next()) {
                rows.put(row.getString(1), new String[] {row.getString(2), row.getString(3)});
            }
        }
        List<String> auditRows = new ArrayList<>();
        try (PreparedStatement query = database.prepareStatement("SELECT detail FROM audit_event "
                + "WHERE action = 'tenant-create' AND outcome = 'ok' AND detail LIKE 'tenant=" + PREFIX + "%'");
                ResultSet row = query.executeQuery()) {
            while (row.next()) {
                auditRows.add(row.getString(1).substring("tenant=".length()));
            }
        }
        Set<String> audited = new HashSet<>(auditRows);
        Map<String, String> acknowledged = ((Created) workload).tokens();
        List<String> lost = new ArrayList<>();
        List<String> wrongToken = new ArrayList<>();
        acknowledged.forEach((name, token) -> {
            String[] row = rows.get(name);
            if (row == null) {
                lost.add(name);
            } else if (!sha256(token).equals(row[0])) {
                wrongToken.add(name);
            }
        });
        List<String> half = new ArrayList<>();
        rows.forEach((name, row) -> {
            if (!audited.contains(name) || row[0] == null || row[1] == null || row[1].isBlank()) {
                half.add(name + (audited.contains(name) ? "" : " (no audit row)") + (row[0] == null ? " (no token)" : "")
                        + (row[1] == null || row[1].isBlank() ? " (no domain)" : ""));
            }
        });
        audited.stream().filter(name -> !rows.containsKey(name)).forEach(name -> half.add(name + " (audit row only)"));
        int duplicates = auditRows.size() - audited.size();
        String survived = rows.size() + " tenants, " + auditRows.size() + " tenant-create audit rows; "
                + workload.acknowledged();
        return new Outcome(survived, List.of(
                Invariant.of("acknowledged-survives", lost.isEmpty() && wrongToken.isEmpty(), lost.size()
                        + " acknowledged tenant(s) lost, e.g. " + first(lost) + "; " + wrongToken.size()
                        + " whose answered token is not theirs, e.g. " + first(wrongToken)),
                Invariant.of("whole-tenant", half.isEmpty() && duplicates == 0, half.size() + " half tenant(s), e.g. "
                        + first(half) + "; " + duplicates + " duplicate audit row(s)")));
    }

    private static String first(List<String> list) {
        return list.stream().sorted().findFirst().orElse("-");
    }

    /** How the hub keeps a token: the hex SHA-256 of its text ({@code tenant.token_sha256}). */
    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
