package io.hub.provisioning.devices;

import static io.hub.pki.CrashChildOutput.say;
import static io.hub.pki.CrashChildOutput.watchWrites;

import io.hub.profiles.PhoneCatalogue;
import io.hub.provisioning.TestDatabase;
import io.hub.provisioning.audit.AuditLog;
import io.hub.provisioning.settings.SettingLayers;
import io.hub.provisioning.storage.Database;
import io.hub.provisioning.storage.SealedSecrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A bulk import through the real import code, in a child JVM that {@link ImportCrashTest} kills.
 * {@code import DIR N}: seeds 2N devices (one import, not killed), then, with other connections
 * committing small changes all along, imports N updates, N deletes and N creates; it prints
 * {@code importing} as that import begins, {@code stored K} each time the database file is written
 * during it, and {@code imported} once it returned. {@code recover DIR}: undoes what a kill left
 * ({@link ImportJournal#recover}), printing {@code recovering} and {@code stored K} the same way.
 */
public final class ImportCrashChild {

    static final String TENANT = "crash";

    private ImportCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[1]);
        Database database = TestDatabase.open(directory).database();
        Path file = directory.resolve("hub.mv.db");
        if (args[0].equals("recover")) {
            say("recovering");
            watchWrites(file);
            new ImportJournal(database).recover();
            say("recovered");
            Thread.sleep(Long.MAX_VALUE);
        }
        int size = Integer.parseInt(args[2]);
        TestDatabase.insertTenant(database, TENANT);
        Clock clock = Clock.systemUTC();
        AuditLog audit = new AuditLog(database, clock);
        Enrollment enrollment = new Enrollment(database, new DeviceRepository(new SealedSecrets(new byte[32])),
                new ClaimableRepository(), audit, new SettingLayers(database, audit), PhoneCatalogue.builtIn(), clock);
        enrollment.importCsv(TENANT, csv(size, true), false, "seed", null);
        Thread others = new Thread(() -> commitSmallChanges(audit), "other-connections");
        others.setDaemon(true);
        others.start();
        // Said before the watcher starts: the other connections write all along, and a write reported
        // ahead of it let the parent's kill at 'stored 2' land before the import had begun.
        say("importing");
        watchWrites(file);
        enrollment.importCsv(TENANT, csv(size, false), false, "crash-test", null);
        say("imported");
        Thread.sleep(Long.MAX_VALUE);
    }

    /** The seed (2N creates), or the import: N updates, N deletes of the seed and N creates. */
    static byte[] csv(int size, boolean seed) {
        StringBuilder csv = new StringBuilder("action,macAddress,deviceType,extension,displayName,site,region\n");
        for (int i = 0; i < 2 * size; i++) {
            String action = seed ? "create" : i < size ? "update" : "delete";
            csv.append(action).append(',').append(mac(i)).append(",Myriad M7,").append(10_000 + i)
                    .append(seed ? ",Desk " : ",Moved ").append(i).append(",hq,eu1\n");
        }
        for (int i = 0; !seed && i < size; i++) {
            csv.append("create,").append(mac(2 * size + i)).append(",Myriad M7,").append(50_000 + i)
                    .append(",New ").append(i).append(",hq,eu1\n");
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String mac(int i) {
        return String.format("00809f%06x", i);
    }

    private static void commitSmallChanges(AuditLog audit) {
        for (long i = 0; i < 10_000_000; i++) {
            audit.record("crash-test", null, "tick", "ok", null, null, null, "tick " + i);
        }
    }
}
