package io.hub.dhcp.config;

import io.hub.dhcp.DhcpCheckException;

/**
 * A DHCP server configuration that cannot be read: missing, not text, not parseable, or naming an
 * option the server itself would refuse. The message is one line naming the file (and line).
 */
public final class ConfigException extends DhcpCheckException {

    public ConfigException(String message) {
        super(message);
    }
}
