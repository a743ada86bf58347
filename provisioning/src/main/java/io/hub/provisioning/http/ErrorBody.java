package io.hub.provisioning.http;

import io.hub.provisioning.Refusal;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** How an API writes a refusal's body, in its own format; the status and headers are the same everywhere. */
public interface ErrorBody {

    /** The admin API's {@code {"error": "<code>", "message": "…"}}. */
    ErrorBody JSON = new ErrorBody() {
        @Override
        public String contentType() {
            return "application/json";
        }

        @Override
        public byte[] of(Refusal refusal, String message) {
            Map<String, String> body = new LinkedHashMap<>();
            body.put("error", refusal.code());
            body.put("message", message);
            try {
                return Responses.JSON.writeValueAsBytes(body);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    String contentType();

    byte[] of(Refusal refusal, String message);
}
