package io.hub.dhcp.decode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Decodes the options that decide where a phone goes (43, 66, 67, 150, 160, 120) and the basics it
 * needs (1, 3, 6, 42), the way a phone reads them. Never throws on bad bytes: what cannot be read
 * becomes the decoded option's {@code problem}.
 */
public final class OptionDecoder {

    /** The longest value one option instance carries; longer ones are split (RFC 3396). */
    public static final int MAX_SINGLE_OPTION = 255;

    private static final Map<Integer, String> NAMES = Map.ofEntries(Map.entry(1, "subnet-mask"),
            Map.entry(3, "routers"), Map.entry(6, "domain-name-servers"), Map.entry(12, "host-name"),
            Map.entry(15, "domain-name"), Map.entry(42, "ntp-servers"), Map.entry(43, "vendor-encapsulated-options"),
            Map.entry(51, "lease-time"), Map.entry(53, "message-type"), Map.entry(54, "server-identifier"),
            Map.entry(60, "vendor-class-identifier"), Map.entry(66, "tftp-server-name"),
            Map.entry(67, "bootfile-name"), Map.entry(120, "sip-server"), Map.entry(150, "tftp-server-address"),
            Map.entry(160, "provisioning-url"));

    private OptionDecoder() {
    }

    /** The usual name of an option, or {@code option-N}. */
    public static String name(int code) {
        return NAMES.getOrDefault(code, "option-" + code);
    }

    /**
     * Decodes one option.
     *
     * @param vendorClass the option 60 that goes with it (for 43), or null
     */
    public static DecodedOption decode(int code, byte[] bytes, String vendorClass) {
        DecodedOption decoded = switch (code) {
            case 1, 3, 6, 42, 54 -> addresses(code, bytes, false);
            case 150 -> addresses(code, bytes, true);
            case 66, 160 -> single(code, bytes, Location.Kind.SERVER);
            case 67 -> single(code, bytes, Location.Kind.FILE);
            case 43 -> vendorSpecific(bytes, vendorClass);
            case 120 -> sipServers(bytes);
            default -> new DecodedOption(code, name(code), display(bytes), List.of(), "");
        };
        if (bytes.length > MAX_SINGLE_OPTION && decoded.problem().isEmpty()) {
            return new DecodedOption(code, decoded.name(), decoded.text(), decoded.locations(), "it is " + bytes.length
                    + " bytes, more than one option holds (255); the server splits it (RFC 3396) and a phone "
                    + "that does not join the parts reads a cut value");
        }
        return decoded;
    }

    private static DecodedOption addresses(int code, byte[] bytes, boolean servers) {
        if (bytes.length == 0 || bytes.length % 4 != 0 || (code == 1 && bytes.length != 4)) {
            return new DecodedOption(code, name(code), Bytes.hex(bytes), List.of(), "it is " + bytes.length
                    + " bytes, not " + (code == 1 ? "one IPv4 address (4)" : "a list of IPv4 addresses (4 each)"));
        }
        StringJoiner text = new StringJoiner(", ");
        List<Location> locations = new ArrayList<>();
        for (int at = 0; at < bytes.length; at += 4) {
            String address = ipv4(bytes, at);
            text.add(address);
            if (servers) {
                locations.add(new Location(address, Location.Kind.SERVER));
            }
        }
        return new DecodedOption(code, name(code), text.toString(), locations, "");
    }

    private static DecodedOption single(int code, byte[] bytes, Location.Kind bareKind) {
        if (!Bytes.printable(bytes)) {
            return new DecodedOption(code, name(code), Bytes.hex(bytes), List.of(),
                    "it is not text, as this option must be");
        }
        String text = Bytes.text(bytes).strip();
        return new DecodedOption(code, name(code), text, text.isEmpty() ? List.of()
                : List.of(Location.of(text, bareKind)), "");
    }

    private static DecodedOption vendorSpecific(byte[] bytes, String vendorClass) {
        String prefix = vendorClass == null || vendorClass.isBlank() ? "" : "[vendor class " + vendorClass + "] ";
        if (Bytes.printable(bytes)) {
            String text = Bytes.text(bytes);
            return new DecodedOption(43, name(43), prefix + "text \"" + text + "\"", Location.find(text), "");
        }
        VendorOptions.Parsed parsed = VendorOptions.parse(bytes);
        StringJoiner text = new StringJoiner(", ", prefix + "sub-options ", "");
        List<Location> locations = new ArrayList<>();
        for (VendorOptions.SubOption subOption : parsed.subOptions()) {
            byte[] value = subOption.value();
            if (Bytes.printable(value)) {
                text.add(subOption.code() + "=\"" + Bytes.text(value) + "\"");
                locations.addAll(Location.find(Bytes.text(value)));
            } else {
                text.add(subOption.code() + "=" + Bytes.hex(value));
            }
        }
        if (parsed.subOptions().isEmpty()) {
            return new DecodedOption(43, name(43), prefix + Bytes.hex(bytes), List.of(), parsed.problem().isEmpty() ? ""
                    : "it is neither text nor sub-options: " + parsed.problem());
        }
        return new DecodedOption(43, name(43), text.toString(), locations, parsed.problem());
    }

    /** RFC 3361: an encoding byte, then DNS names (0) or IPv4 addresses (1). */
    private static DecodedOption sipServers(byte[] bytes) {
        if (bytes.length < 2) {
            return new DecodedOption(120, name(120), Bytes.hex(bytes), List.of(), "it is too short for RFC 3361");
        }
        byte[] rest = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        if (bytes[0] == 1) {
            DecodedOption addresses = addresses(120, rest, true);
            return new DecodedOption(120, name(120), addresses.text(), addresses.locations(), addresses.problem());
        }
        if (bytes[0] != 0) {
            return new DecodedOption(120, name(120), Bytes.hex(bytes), List.of(), "encoding " + (bytes[0] & 0xff)
                    + " is neither 0 (names) nor 1 (addresses)");
        }
        List<Location> names = new ArrayList<>();
        String problem = DnsNames.read(rest, name -> names.add(new Location(name, Location.Kind.SERVER)));
        StringJoiner text = new StringJoiner(", ");
        names.forEach(location -> text.add(location.value()));
        return new DecodedOption(120, name(120), text.toString(), names, problem);
    }

    private static String display(byte[] bytes) {
        return Bytes.printable(bytes) ? Bytes.text(bytes) : Bytes.hex(bytes);
    }

    private static String ipv4(byte[] bytes, int at) {
        return (bytes[at] & 0xff) + "." + (bytes[at + 1] & 0xff) + "." + (bytes[at + 2] & 0xff) + "."
                + (bytes[at + 3] & 0xff);
    }
}
