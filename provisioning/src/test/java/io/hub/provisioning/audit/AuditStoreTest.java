package io.hub.provisioning.audit;

import io.hub.pki.MutableClock;
import io.hub.provisioning.TestDatabase;
import io.hub.provisioning.TestStore;
import io.hub.provisioning.storage.Database;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test of the audit trail on a new database, opened before each test and closed after, with its
 * clock moved by hand; an {@code …OnPostgresTest} subclass runs the same tests on PostgreSQL.
 */
abstract class AuditStoreTest {

    @TempDir
    Path dir;

    final MutableClock clock;
    Database database;
    AuditLog audit;
    private TestDatabase pool;

    /** @param start the instant the test's clock starts at */
    AuditStoreTest(Instant start) {
        this.clock = new MutableClock(start);
    }

    /** The database the tests run on. */
    TestStore store() {
        return TestStore.H2;
    }

    @BeforeEach
    void openTheDatabase() {
        pool = TestDatabase.open(store(), dir.resolve("db"));
        database = pool.database();
        audit = new AuditLog(database, clock);
    }

    @AfterEach
    void closeTheDatabase() {
        pool.close();
    }
}
