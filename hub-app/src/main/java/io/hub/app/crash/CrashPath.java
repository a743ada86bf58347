package io.hub.app.crash;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * One write path of the hub that the crash loop drives, kills and checks. The loop calls
 * {@link #seed} once on a running hub, then for every round {@link #drive} on a copy of the seeded
 * home, kills the hub at some moment of it, and {@link #check}s what survived.
 */
interface CrashPath {

    /**
     * Lines of {@code hub.yaml} the path's hub runs with (empty: the embedded defaults), for a
     * limit that would otherwise turn the workload away before it reaches the store.
     */
    default List<String> settings() {
        return List.of();
    }

    /** Puts the state the workload starts from (devices to update, say) into a fresh hub. */
    void seed(AdminHttps admin) throws Exception;

    /**
     * Runs the whole workload against the hub, recording what the hub acknowledged; returns when it
     * is done or when the hub stopped answering.
     */
    Workload drive(AdminHttps admin) throws Exception;

    /**
     * What survived, checked on the database (opened after the hub restarted and stopped) and on
     * the home's files.
     */
    Outcome check(Connection database, Path home, Workload workload) throws SQLException, java.io.IOException;

    /**
     * A workload that acknowledged nothing but may have sent everything: checking a backup with it
     * holds the backup to the path's consistency invariants (a backup taken during the workload
     * holds some prefix of what was acknowledged, and no part of anything).
     */
    Workload unacknowledged();

    /** What the hub acknowledged during one run of the workload. */
    interface Workload {
        /** One line: what was acknowledged, e.g. {@code 212 of 600 enrollments answered 201}. */
        String acknowledged();
    }

    /**
     * A workload of requests each acknowledged with 201: the keys acknowledged (MACs, versions …) of
     * {@code count} sent, {@code what} naming them ({@code enrollments}, {@code uploads}).
     */
    record AnsweredCreated(Set<String> keys, int count, String what) implements Workload {
        @Override
        public String acknowledged() {
            return keys.size() + " of " + count + " " + what + " answered 201";
        }
    }

    /** What survived a kill, and each invariant with whether it held. */
    record Outcome(String survived, List<Invariant> invariants) {
        boolean held() {
            return invariants.stream().allMatch(Invariant::held);
        }
    }

    /** One invariant: its name, whether it held, and what broke it. */
    record Invariant(String name, boolean held, String detail) {
        static Invariant of(String name, boolean held, String detail) {
            return new Invariant(name, held, held ? "" : detail);
        }
    }
}
