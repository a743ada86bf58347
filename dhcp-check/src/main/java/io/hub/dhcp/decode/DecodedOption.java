package io.hub.dhcp.decode;

import java.util.List;

/**
 * An option as the phone would understand it.
 *
 * @param code the option code
 * @param name its usual name ({@code tftp-server-name})
 * @param text the decoded value for people: text, addresses, sub-options
 * @param locations the places it sends the phone to, in order
 * @param problem why the bytes are not a valid value of this option; empty when they are
 */
public record DecodedOption(int code, String name, String text, List<Location> locations, String problem) {

    public DecodedOption {
        locations = List.copyOf(locations);
    }

    public boolean malformed() {
        return !problem.isEmpty();
    }
}
