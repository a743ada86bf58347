package io.hub.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code issued-devices.jsonl}: one line per device certificate the hub issued, appended under the
 * PKI's lock, so that revoking a MAC can list its serials in the CRL. A crash mid-append leaves at
 * most the last line torn, which is skipped.
 */
final class IssuedDeviceLog {

    private static final Logger LOG = LoggerFactory.getLogger(IssuedDeviceLog.class);

    private final Path log;

    IssuedDeviceLog(Path log) {
        this.log = log;
    }

    /** Caller holds the PKI's lock. */
    void append(HubPki.IssuedDevice record) {
        try {
            Files.writeString(log, JsonFiles.MAPPER.writer().without(
                    com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(record) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new PkiException("cannot record the issued certificate in " + log + ": " + PemFiles.oneLine(e));
        }
    }

    /** Every record, oldest first. */
    List<HubPki.IssuedDevice> read() {
        if (!Files.exists(log)) {
            return List.of();
        }
        List<HubPki.IssuedDevice> devices = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    devices.add(JsonFiles.MAPPER.readValue(line, HubPki.IssuedDevice.class));
                } catch (IOException tornLine) {
                    // A crash mid-append leaves at most the last line torn; it named no usable certificate.
                    LOG.warn("skipping an unreadable line of {}", log);
                }
            }
        } catch (IOException e) {
            throw new PkiException("cannot read " + log + ": " + PemFiles.oneLine(e));
        }
        return devices;
    }
}
