package io.hub.provisioning;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A data source that counts the statements prepared against the tables a phone's configuration is
 * read from, on every thread: a test asserts a count, never a time.
 */
final class CountingDataSource {

    /** The device row, its and its site's settings, the firmware target and image, the tenant. */
    private static final Pattern LAYER_TABLES = Pattern.compile(
            "\\b(from|update|into)\\s+(device|device_setting|site_setting|firmware_target|firmware_image|tenant)\\b");

    private final AtomicInteger layerStatements = new AtomicInteger();

    /** {@code target} with its connections' {@code prepareStatement} counted. */
    DataSource wrap(DataSource target) {
        InvocationHandler connections = (proxy, method, args) -> {
            Object result = invoke(target, method, args);
            if (result instanceof Connection connection) {
                return counted(connection);
            }
            return result;
        };
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                connections);
    }

    /** Statements prepared against the layer tables so far. */
    int layerStatements() {
        return layerStatements.get();
    }

    private Connection counted(Connection connection) {
        InvocationHandler statements = (proxy, method, args) -> {
            if (method.getName().startsWith("prepare") && args != null && args[0] instanceof String sql
                    && LAYER_TABLES.matcher(sql.toLowerCase(Locale.ROOT)).find()) {
                layerStatements.incrementAndGet();
            }
            return invoke(connection, method, args);
        };
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                statements);
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
