package io.hub.sip;

import io.hub.sip.call.CallSettings;
import io.hub.sip.call.JdbcCallRecords;
import io.hub.relay.RelayConfig;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.h2.jdbcx.JdbcDataSource;

/** Call settings for tests: a relay on loopback, records in an H2 file under the test's directory. */
public final class TestCalls {

    private TestCalls() {
    }

    public static RelayConfig relay() {
        return new RelayConfig(InetAddress.getLoopbackAddress(), 30000, 44999, Duration.ofSeconds(60), 8000);
    }

    public static SipService.Calls setup(Path home) {
        JdbcDataSource database = new JdbcDataSource();
        database.setURL("jdbc:h2:file:" + home.resolve("calls-db") + ";WRITE_DELAY=0");
        return new SipService.Calls(relay(), CallSettings.standard(), new JdbcCallRecords(database));
    }
}
