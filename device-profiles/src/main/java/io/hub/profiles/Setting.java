package io.hub.profiles;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every value a phone's configuration can carry, by the dotted key that layers and templates use,
 * with its built-in default (the global layer's starting point) and what a valid value looks like.
 * One list, so a misspelt key in a model file, a site or a device override is refused, not ignored.
 */
public enum Setting {
    SIP_DOMAIN("sip.domain", "", Check.TEXT),
    SIP_REGISTRAR_HOST("sip.registrar.host", "", Check.TEXT),
    SIP_REGISTRAR_PORT("sip.registrar.port", "5061", Check.PORT),
    SIP_REGISTRAR_TRANSPORT("sip.registrar.transport", "tls", Check.oneOf("tls", "tcp", "udp")),
    /**
     * A second entry point of the phone's region (another hub node), tried when the registrar
     * cannot be reached or its flow is lost; empty for none, as phones read an empty server 2.
     */
    SIP_REGISTRAR_FALLBACK_HOST("sip.registrar.fallback.host", "", Check.TEXT),
    SIP_REGISTRAR_FALLBACK_PORT("sip.registrar.fallback.port", "5061", Check.PORT),
    SIP_ACCOUNT_USER("sip.account.user", "", Check.TEXT),
    SIP_ACCOUNT_AUTH_USER("sip.account.authUser", "", Check.TEXT),
    SIP_ACCOUNT_PASSWORD("sip.account.password", "", Check.TEXT),
    SIP_ACCOUNT_DISPLAY_NAME("sip.account.displayName", "", Check.TEXT),
    /** Seconds between CRLF keepalives on the TLS connection (RFC 5626). */
    SIP_KEEPALIVE_INTERVAL("sip.keepalive.interval", "30", Check.range(5, 3600)),
    SIP_REGISTRATION_EXPIRES("sip.registration.expires", "600", Check.range(60, 86400)),
    MEDIA_SRTP("media.srtp", "mandatory", Check.oneOf("mandatory", "optional", "off")),
    MEDIA_PORT_MIN("media.portMin", "30000", Check.PORT),
    MEDIA_PORT_MAX("media.portMax", "40000", Check.PORT),
    NTP_SERVER("ntp.server", "pool.ntp.org", Check.TEXT),
    FIRMWARE_VERSION("firmware.version", "", Check.TEXT),
    FIRMWARE_URL("firmware.url", "", Check.TEXT),
    LOCALE_TIMEZONE("locale.timezone", "UTC", Check.TEXT),
    LOCALE_LANGUAGE("locale.language", "en", Check.pattern("[a-z]{2}(-[A-Z]{2})?")),
    /** Seconds between the phone's checks for a new configuration. */
    PROVISIONING_RESYNC("provisioning.resyncInterval", "86400", Check.range(300, 604800)),
    PROVISIONING_URL("provisioning.url", "", Check.TEXT);

    private static final Map<String, Setting> BY_KEY =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Setting::key, Function.identity()));

    private final String key;
    private final String defaultValue;
    private final Check check;

    Setting(String key, String defaultValue, Check check) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.check = check;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public static Optional<Setting> forKey(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }

    public static Set<String> keys() {
        return BY_KEY.keySet();
    }

    /**
     * Checks {@code value} for this setting.
     *
     * @throws IllegalArgumentException naming the key, the value and what is expected
     */
    public void check(String value) {
        if (value == null) {
            throw new IllegalArgumentException(key + " has no value");
        }
        XmlText.requireXmlCharacters(key, value);
        String problem = check.problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(key + " '" + value + "' is not valid: expected " + problem);
        }
    }

    /** A value check: returns null when good, else what a good value looks like. */
    private interface Check {
        Check TEXT = value -> value.length() <= 512 ? null : "at most 512 characters";
        Check PORT = range(1, 65535);

        String problem(String value);

        static Check range(int min, int max) {
            return value -> {
                try {
                    int number = Integer.parseInt(value);
                    return number >= min && number <= max ? null : "a number from " + min + " to " + max;
                } catch (NumberFormatException e) {
                    return "a number from " + min + " to " + max;
                }
            };
        }

        static Check oneOf(String... choices) {
            Set<String> allowed = Set.of(choices);
            return value -> allowed.contains(value) ? null : "one of " + String.join(", ", choices);
        }

        static Check pattern(String regex) {
            Pattern pattern = Pattern.compile(regex);
            return value -> pattern.matcher(value).matches() ? null : "a value matching " + regex;
        }
    }
}
