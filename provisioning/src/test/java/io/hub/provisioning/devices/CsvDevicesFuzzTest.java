package io.hub.provisioning.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hub.provisioning.ProvisioningException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A bulk enrollment upload as an admin (or a stolen admin token) may send it. */
class CsvDevicesFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void anUploadIsRefusedAsInvalidCsvOrReadIntoNumberedLinesOfKnownColumns(byte[] upload) {
        List<CsvDevices.Line> lines;
        try {
            lines = CsvDevices.parse(upload);
        } catch (ProvisioningException refused) {
            assertNotNull(refused.getMessage());
            return;
        }
        Set<String> columns = new HashSet<>(CsvDevices.REQUIRED);
        columns.addAll(CsvDevices.OPTIONAL);
        int previous = 1;
        for (CsvDevices.Line line : lines) {
            assertTrue(line.number() >= previous, "line numbers never go back: " + line.number());
            previous = line.number();
            if (line.problem() == null) {
                assertTrue(columns.containsAll(line.fields().keySet()), line.fields().keySet().toString());
                assertTrue(line.fields().keySet().containsAll(CsvDevices.REQUIRED));
            } else {
                assertEquals(0, line.fields().size());
            }
        }
    }
}
