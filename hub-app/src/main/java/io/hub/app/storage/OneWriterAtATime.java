package io.hub.app.storage;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The H2 connections of the pool, letting one transaction that writes be open at a time; reads go
 * on beside it.
 *
 * <p>Why: H2 2.4 writes a chunk of its file by taking each map's root in turn, not all at one
 * instant. A transaction of another thread that writes rows or commits while a chunk is being
 * gathered can be caught half-way: its undo log as it was before its commit marker, one table
 * with its rows already turned committed, another table without. After a kill -9, recovery sees
 * the transaction as open and rolls back only the rows that still carry its mark: an enrollment
 * came back as a device without its audit row. Chunks are written by the commits of writing
 * transactions (the hub runs with {@code WRITE_DELAY=0}, so there is no background writer), by a
 * large transaction whose unsaved pages outgrow H2's buffer, and by the hub's own compaction
 * ({@link H2Housekeeping}), which takes the turn like a writer ({@link #alone}). With one writer at a time, each
 * chunk is gathered by the one thread that changes anything, so it holds every transaction whole
 * or, for the writer's own open transaction, together with the undo log that rolls it back.
 *
 * <p>A transaction writes from its first statement that is not a plain query (an insert, update,
 * delete, DDL, {@code SELECT … FOR UPDATE}, {@code BACKUP}) until its commit, rollback or close; an
 * autocommitted statement for its own length. A thread that already writes through one
 * connection may write through a second one (the import journal commits beside the import); a
 * writer never waits for another thread's writer while holding its own. A writer that does not
 * get its turn within {@link #WAIT_SECONDS} gets an {@link SQLTransientException} instead of
 * waiting forever.
 */
final class OneWriterAtATime implements DataSource {

    /** Longer than the largest import holds the database on this kind of machine; short of a hang. */
    static final long WAIT_SECONDS = 30;
    private static final Set<String> QUERIES = Set.of("SELECT", "VALUES", "TABLE", "WITH", "SHOW", "EXPLAIN");

    private final DataSource h2;
    private final Turn turn = new Turn();

    OneWriterAtATime(DataSource h2) {
        this.h2 = h2;
    }

    /** True when {@code sql} changes nothing: a query that does not lock rows. */
    static boolean isPlainQuery(String sql) {
        String text = sql.stripLeading();
        while (text.startsWith("(")) {
            text = text.substring(1).stripLeading();
        }
        int end = 0;
        while (end < text.length() && Character.isLetter(text.charAt(end))) {
            end++;
        }
        String first = text.substring(0, end).toUpperCase(Locale.ROOT);
        return QUERIES.contains(first) && !text.toUpperCase(Locale.ROOT).contains("FOR UPDATE");
    }

    /** Work on the database that throws what JDBC throws. */
    interface SqlWork<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} holding the turn to write, as a writing transaction does: for work that writes
     * chunks of the file without a connection of the pool ({@link H2Housekeeping}'s compaction).
     *
     * @throws SQLException when the turn does not come within {@link #WAIT_SECONDS}, or from the work
     */
    <T> T alone(SqlWork<T> work) throws SQLException {
        turn.enter();
        try {
            return work.run();
        } finally {
            turn.leave();
        }
    }

    /** How many threads wait for their turn to write, for tests. */
    int waiting() {
        return turn.permit.getQueueLength();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return gated(h2.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return gated(h2.getConnection(username, password));
    }

    private Connection gated(Connection connection) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new GatedConnection(connection));
    }

    /** The one turn to write: a thread that holds it may enter again through another connection. */
    private static final class Turn {

        private final Semaphore permit = new Semaphore(1, true);
        private Thread holder;
        private int entries;

        void enter() throws SQLException {
            synchronized (this) {
                if (entries > 0 && holder == Thread.currentThread()) {
                    entries++;
                    return;
                }
            }
            boolean granted;
            try {
                granted = permit.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLTransientException("interrupted while waiting for another transaction to finish writing");
            }
            if (!granted) {
                throw new SQLTransientException("another transaction has been writing to the database for more than "
                        + WAIT_SECONDS + " s");
            }
            synchronized (this) {
                holder = Thread.currentThread();
                entries = 1;
            }
        }

        void leave() {
            synchronized (this) {
                if (--entries > 0) {
                    return;
                }
                holder = null;
            }
            permit.release();
        }
    }

    /** One pooled connection: takes the turn at its first write, gives it back when its transaction ends. */
    private final class GatedConnection implements InvocationHandler {

        private final Connection connection;
        private boolean writing;

        GatedConnection(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "createStatement":
                    return statement(Statement.class, call(method, args), null);
                case "prepareStatement":
                    return statement(PreparedStatement.class, call(method, args), (String) args[0]);
                case "prepareCall":
                    return statement(CallableStatement.class, call(method, args), "CALL");
                case "commit":
                case "close":
                case "abort":
                    return ending(method, args);
                case "rollback":
                    return args == null ? ending(method, args) : call(method, args);
                case "setAutoCommit":
                    return (Boolean) args[0] ? ending(method, args) : call(method, args);
                default:
                    return call(method, args);
            }
        }

        private Object ending(Method method, Object[] args) throws Throwable {
            try {
                return call(method, args);
            } finally {
                if (writing) {
                    writing = false;
                    turn.leave();
                }
            }
        }

        private Object call(Method method, Object[] args) throws Throwable {
            return invokeOn(connection, method, args);
        }

        /** Runs a statement's execution, in the writer's turn unless it is a plain query. */
        Object execute(Object statement, Method method, Object[] args, String preparedSql) throws Throwable {
            String sql = preparedSql != null ? preparedSql : args != null && args.length > 0
                    && args[0] instanceof String text ? text : null;
            boolean query = sql != null && !method.getName().equals("executeBatch") && isPlainQuery(sql);
            if (query || writing) {
                return invokeOn(statement, method, args);
            }
            turn.enter();
            writing = true;
            try {
                return invokeOn(statement, method, args);
            } finally {
                if (autoCommitted()) {
                    writing = false;
                    turn.leave();
                }
            }
        }

        /** True when the statement committed itself; a connection that cannot tell is broken, its transaction over. */
        private boolean autoCommitted() {
            try {
                return connection.getAutoCommit();
            } catch (SQLException e) {
                return true;
            }
        }

        private <T> T statement(Class<T> type, Object statement, String preparedSql) {
            return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                    (proxy, method, args) -> method.getName().startsWith("execute")
                            ? execute(statement, method, args, preparedSql)
                            : invokeOn(statement, method, args)));
        }
    }

    private static Object invokeOn(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return h2.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        h2.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        h2.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return h2.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return h2.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return h2.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return h2.isWrapperFor(type);
    }
}
