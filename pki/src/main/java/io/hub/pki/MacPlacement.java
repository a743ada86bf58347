package io.hub.pki;

import java.util.Locale;

/** Where an emulated factory certificate carries the MAC: the places {@link MacRule} reads. */
public enum MacPlacement {
    CN, SERIAL, SAN;

    public static MacPlacement fromOption(String text) {
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown MAC placement '" + text + "': expected cn, serial or san");
        }
    }
}
