package io.hub.provisioning;

import com.zaxxer.hikari.HikariDataSource;
import io.hub.testing.TestPostgres;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The two databases the hub runs on, for tests that run once on each: the embedded H2 file (the
 * default of one node) and PostgreSQL (a fresh database on the JVM's throwaway cluster).
 */
public enum TestStore {
    H2 {
        @Override
        public String url(Path directory) {
            return TestDatabase.url(directory);
        }
    },
    POSTGRES {
        @Override
        public String url(Path directory) {
            return DATABASES.computeIfAbsent(directory.toAbsolutePath(), any -> TestPostgres.shared().newDatabase());
        }
    };

    /** PostgreSQL's database of each directory, so that a test reopening a home finds its rows. */
    private static final Map<Path, String> DATABASES = new ConcurrentHashMap<>();

    /**
     * The JDBC URL of the database of {@code directory}: empty at the first call, the same one after
     * (H2's file is in the directory; PostgreSQL's database is created for it on the shared cluster).
     */
    public abstract String url(Path directory);

    /** A pool over the database of {@code directory}, schema untouched, sized as the hub's. */
    public HikariDataSource pool(Path directory) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url(directory));
        pool.setPoolName("test-db");
        pool.setMaximumPoolSize(8);
        return pool;
    }
}
