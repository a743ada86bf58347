package io.hub.provisioning.devices;

import io.hub.pki.MacAddress;
import io.hub.profiles.PhoneCatalogue;
import io.hub.profiles.PhoneModel;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The rules an enrolled device's fields follow, checked the same way for one enrollment and for
 * every line of a bulk import. Problems are reported as sentences naming the field and the value.
 */
final class DeviceRules {

    static final Set<String> REGIONS = Set.of("eu1", "latam1", "apac1", "na1");
    static final String DEFAULT_REGION = "eu1";
    private static final Pattern EXTENSION = Pattern.compile("[0-9A-Za-z._+-]{1,32}");

    private final PhoneCatalogue catalogue;

    DeviceRules(PhoneCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    MacAddress mac(String text, Consumer<String> problems) {
        if (text == null || text.isBlank()) {
            problems.accept("macAddress is missing");
            return null;
        }
        try {
            return MacAddress.parse(text);
        } catch (IllegalArgumentException e) {
            problems.accept(e.getMessage());
            return null;
        }
    }

    /** The catalogue's name of the model, or null with a problem reported. */
    String model(String text, Consumer<String> problems) {
        if (text == null || text.isBlank()) {
            problems.accept("deviceType is missing");
            return null;
        }
        return catalogue.find(text).map(PhoneModel::name).orElseGet(() -> {
            problems.accept("unknown deviceType '" + text + "'; known: "
                    + String.join(", ", catalogue.models().stream().map(PhoneModel::name).toList()));
            return null;
        });
    }

    String extension(String text, Consumer<String> problems) {
        if (text == null || text.isBlank()) {
            return null;
        }
        if (!EXTENSION.matcher(text).matches()) {
            problems.accept("extension '" + text + "' must be 1 to 32 letters, digits or . _ + -");
        }
        return text;
    }

    String text(String field, String text, int maxLength, Consumer<String> problems) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.length() > maxLength) {
            problems.accept(field + " is longer than " + maxLength + " characters");
        }
        text.chars().filter(Character::isISOControl).findFirst().ifPresent(c -> problems.accept(
                field + " holds a control character (U+" + String.format("%04X", c) + ")"));
        return text;
    }

    String region(String text, Consumer<String> problems) {
        if (text == null || text.isBlank()) {
            return DEFAULT_REGION;
        }
        String region = text.toLowerCase(Locale.ROOT);
        if (!REGIONS.contains(region)) {
            problems.accept("region '" + text + "' is not one of " + List.copyOf(new java.util.TreeSet<>(REGIONS)));
        }
        return region;
    }

    /** The normalised fingerprint, null when absent, or null with a problem reported. */
    String fingerprint(String text, Consumer<String> problems) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return CertificateBinding.parseFingerprint(text);
        } catch (IllegalArgumentException e) {
            problems.accept(e.getMessage());
            return null;
        }
    }

    DeviceState state(String text, Consumer<String> problems) {
        if (text == null) {
            return null;
        }
        try {
            return DeviceState.fromCode(text);
        } catch (IllegalArgumentException e) {
            problems.accept("state '" + text + "' is not enabled or disabled");
            return null;
        }
    }
}
