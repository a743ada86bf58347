package io.hub.sip.call;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hub.sip.SipSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** Ended calls in the hub's database, table {@code sip_call}. */
public final class JdbcCallRecords implements CallRecords {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MEDIA_JSON = 4000;

    private final DataSource dataSource;

    public JdbcCallRecords(DataSource dataSource) {
        this.dataSource = dataSource;
        SipSchema.migrate(dataSource);
    }

    @Override
    public void save(CallRecord record) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO sip_call (id, caller, callee, "
                        + "started_at, answered_at, ended_at, cause, status, media) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, record.id());
            insert.setString(2, clip(record.caller(), 255));
            insert.setString(3, clip(record.callee(), 255));
            insert.setTimestamp(4, Timestamp.from(record.startedAt()));
            insert.setTimestamp(5, record.answeredAt() == null ? null : Timestamp.from(record.answeredAt()));
            insert.setTimestamp(6, Timestamp.from(record.endedAt()));
            insert.setString(7, record.cause().code());
            insert.setInt(8, record.status());
            insert.setString(9, mediaJson(record.media()));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record call " + record.id() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<CallRecord> recent(int limit) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT id, caller, callee, started_at, "
                        + "answered_at, ended_at, cause, status, media FROM sip_call ORDER BY ended_at DESC, id "
                        + "FETCH FIRST ? ROWS ONLY")) {
            select.setInt(1, limit);
            List<CallRecord> records = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    records.add(new CallRecord(row.getString("id"), row.getString("caller"), row.getString("callee"),
                            instant(row.getTimestamp("started_at")), instant(row.getTimestamp("answered_at")),
                            instant(row.getTimestamp("ended_at")), cause(row.getString("cause")), row.getInt("status"),
                            media(row.getString("media"))));
                }
            }
            return records;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the call records: " + e.getMessage(), e);
        }
    }

    private static String mediaJson(Map<String, Map<String, Object>> media) {
        try {
            String json = JSON.writeValueAsString(media);
            // Figures are bounded in size; a pathological address list must not fail the record.
            return json.length() <= MAX_MEDIA_JSON ? json : "{}";
        } catch (JsonProcessingException e) {
            return "{}";
        }
    }

    private static Map<String, Map<String, Object>> media(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Map<String, Object>>>() { });
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    private static EndCause cause(String code) {
        for (EndCause cause : EndCause.values()) {
            if (cause.code().equals(code)) {
                return cause;
            }
        }
        return EndCause.REFUSED;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static String clip(String value, int length) {
        return value.length() <= length ? value : value.substring(0, length);
    }
}
