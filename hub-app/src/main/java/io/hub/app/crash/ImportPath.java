package io.hub.app.crash;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A CSV import of creates, updates and deletes (SPEC §5): all of it or none of it survives, and its
 * audit entry exists exactly when its changes do. The seed is an import of the devices the file
 * then updates and deletes.
 */
final class ImportPath implements CrashPath {

    private final int size;

    /** @param size how many lines of each action the file has (creates, updates, deletes) */
    ImportPath(int size) {
        this.size = size;
    }

    private String mac(int i) {
        return String.format("00809f%06x", i);
    }

    private String extension(int i) {
        return String.valueOf(100_000 + i);
    }

    @Override
    public void seed(AdminHttps admin) throws Exception {
        StringBuilder csv = new StringBuilder("action,macAddress,deviceType,extension,displayName,site\n");
        for (int i = 0; i < 2 * size; i++) {
            csv.append("create,").append(mac(i)).append(",Myriad M7,").append(extension(i)).append(",seed ")
                    .append(i).append(",site-a\n");
        }
        int status = post(admin, csv.toString());
        if (status != 200) {
            throw new IllegalStateException("the seed import answered " + status);
        }
    }

    /** Updates devices 0..size-1, deletes size..2size-1, creates 2size..3size-1. */
    String file() {
        StringBuilder csv = new StringBuilder("action,macAddress,deviceType,extension,displayName,site\n");
        for (int i = 0; i < size; i++) {
            csv.append("update,").append(mac(i)).append(",Myriad M7,").append(extension(i)).append(",updated ")
                    .append(i).append(",site-b\n");
            csv.append("delete,").append(mac(size + i)).append(",,,,\n");
            csv.append("create,").append(mac(2 * size + i)).append(",Myriad M7,").append(extension(2 * size + i))
                    .append(",created ").append(i).append(",site-c\n");
        }
        return csv.toString();
    }

    @Override
    public Workload drive(AdminHttps admin) throws Exception {
        int status;
        try {
            status = post(admin, file());
        } catch (java.io.IOException e) {
            status = 0;
        }
        int answered = status;
        return () -> answered == 0 ? "no answer (killed first)" : "answered " + answered;
    }

    private static int post(AdminHttps admin, String csv) throws Exception {
        return admin.send("POST", "/admin/v1/devices/import", "text/csv",
                HttpRequest.BodyPublishers.ofString(csv, StandardCharsets.UTF_8));
    }

    @Override
    public Workload unacknowledged() {
        return () -> "nothing acknowledged";
    }

    @Override
    public Outcome check(Connection database, Path home, Workload workload) throws SQLException {
        Map<String, String[]> devices = new HashMap<>();
        try (PreparedStatement query = database.prepareStatement("SELECT mac, display_name, site, extension FROM device");
                ResultSet row = query.executeQuery()) {
            while (row.next()) {
                devices.put(row.getString(1).strip(), new String[] {row.getString(2), row.getString(3), row.getString(4)});
            }
        }
        int updated = 0;
        int original = 0;
        int deletedStill = 0;
        int created = 0;
        int createdRight = 0;
        for (int i = 0; i < size; i++) {
            String[] kept = devices.get(mac(i));
            if (kept != null && ("updated " + i).equals(kept[0]) && "site-b".equals(kept[1])) {
                updated++;
            } else if (kept != null && ("seed " + i).equals(kept[0]) && "site-a".equals(kept[1])) {
                original++;
            }
            if (devices.containsKey(mac(size + i))) {
                deletedStill++;
            }
            String[] made = devices.get(mac(2 * size + i));
            if (made != null) {
                created++;
                if (("created " + i).equals(made[0]) && "site-c".equals(made[1])
                        && extension(2 * size + i).equals(made[2])) {
                    createdRight++;
                }
            }
        }
        long audited;
        try (PreparedStatement query = database.prepareStatement(
                "SELECT COUNT(*) FROM audit_event WHERE action = 'import' AND outcome = 'ok'");
                ResultSet row = query.executeQuery()) {
            row.next();
            audited = row.getLong(1) - 1;
        }
        boolean none = original == size && deletedStill == size && created == 0;
        boolean all = updated == size && deletedStill == 0 && createdRight == size;
        String survived = String.format("updates %d/%d, deletes %d/%d, creates %d/%d, import audit rows %d",
                updated, size, size - deletedStill, size, created, size, audited);
        List<Invariant> invariants = new ArrayList<>();
        invariants.add(Invariant.of("all-or-nothing", none || all, "part of the import survived"));
        invariants.add(Invariant.of("audit-iff-applied", all ? audited == 1 : audited == 0,
                all ? "the import survived without its audit row" : "an audit row without the import"));
        invariants.add(Invariant.of("acknowledged-survives", !workload.acknowledged().equals("answered 200") || all,
                "the import was answered 200 but is not all there"));
        return new Outcome(survived, invariants);
    }
}
