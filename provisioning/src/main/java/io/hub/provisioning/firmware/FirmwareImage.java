package io.hub.provisioning.firmware;

import java.nio.file.Path;
import java.time.Instant;

/** A stored firmware image: the model it is for, its version, size and SHA-256 (hex), and its file. */
public record FirmwareImage(String model, String version, long size, String sha256, Path file, Instant uploadedAt) {
}
