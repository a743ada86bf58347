package io.hub.app.backup;

import com.fasterxml.jackson.databind.JsonNode;
import io.hub.app.HubHome;
import io.hub.provisioning.ProvisioningException;
import io.hub.provisioning.Refusal;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * {@code POST /admin/v1/backup {"directory": "/absolute/path"}}: the running hub writes a backup of
 * its home there (what {@code hub backup} asks when a hub runs on the home). The operator's only;
 * the directory is on the hub's machine and must be absolute, new or empty, and outside the home.
 */
public final class BackupAction {

    private BackupAction() {
    }

    public static Function<JsonNode, Object> of(HubHome home, DataSource database, Clock clock) {
        return body -> {
            JsonNode directory = body.get("directory");
            if (directory == null || !directory.isTextual() || !Path.of(directory.asText()).isAbsolute()) {
                throw new ProvisioningException(Refusal.INVALID_JSON, "expected {\"directory\": an absolute path}");
            }
            BackupManifest manifest;
            try {
                manifest = HubBackup.write(home, database, Path.of(directory.asText()), clock);
            } catch (HubBackup.BackupRefused e) {
                throw new ProvisioningException(Refusal.BACKUP_REFUSED, e.getMessage());
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("directory", directory.asText());
            answer.put("createdAt", manifest.createdAt());
            answer.put("hubVersion", manifest.hubVersion());
            answer.put("schemas", manifest.schemas());
            answer.put("files", manifest.files().size());
            return answer;
        };
    }
}
