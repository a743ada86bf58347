package io.hub.dhcp;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an ALE desk phone looks like to a DHCP server, so a finding can say whether it reaches one.
 *
 * <p>ALE phones identify themselves in option 60 with a class beginning {@code alcatel.} (for
 * example {@code alcatel.noe.0}, {@code alcatel.sip.0}) and some firmware sends {@code ALE…}; their
 * MACs are in ALE's IEEE block 00:80:9F.
 */
public final class AlePhones {

    /** The vendor class the probe sends, as an ALE SIP phone does. */
    public static final String VENDOR_CLASS = "alcatel.sip.0";

    /**
     * Options the probe asks for, as a phone does: subnet mask, router, DNS, domain name, NTP,
     * vendor-specific, vendor class, TFTP server, bootfile, SIP servers, TFTP addresses, provisioning URL.
     */
    public static final List<Integer> PARAMETER_REQUEST_LIST = List.of(1, 3, 6, 15, 42, 43, 60, 66, 67, 120, 150,
            160);

    /** Options an ALE phone puts in its own DISCOVER; a server condition on any other option never matches it. */
    public static final Set<Integer> SENT_OPTIONS = Set.of(12, 50, 53, 55, 57, 60, 61);

    /** The classes ALE phones are known to send, for servers that match a class by substring. */
    private static final List<String> KNOWN_CLASSES = List.of(VENDOR_CLASS, "alcatel.noe.0");
    private static final List<String> OUIS = List.of("00809f");
    private static final Pattern ALE_CLASS = Pattern.compile("(?i)(alcatel([.\\-_ ].*)?|ale([.\\-_ ].*)?)");

    private AlePhones() {
    }

    /** True when a vendor class (option 60, or a server's pattern for it) is one ALE phones send. */
    public static boolean isAleVendorClass(String vendorClass) {
        return vendorClass != null && ALE_CLASS.matcher(vendorClass.strip()).matches();
    }

    /**
     * True when a server that picks clients by this vendor-class pattern picks ALE phones:
     * {@code substring} for servers that look for the pattern anywhere in option 60 (dnsmasq).
     */
    public static boolean matchesAleVendorClass(String pattern, boolean substring) {
        if (isAleVendorClass(pattern)) {
            return true;
        }
        return substring && pattern != null && !pattern.isEmpty()
                && KNOWN_CLASSES.stream().anyMatch(known -> known.contains(pattern));
    }

    /**
     * True when a MAC (any usual notation, or a prefix pattern such as {@code 00:80:9f:*:*:*}) is in
     * an ALE block.
     */
    public static boolean isAleMac(String mac) {
        if (mac == null) {
            return false;
        }
        String hex = mac.toLowerCase(Locale.ROOT).replaceAll("[^0-9a-f]", "");
        return hex.length() >= 6 && OUIS.contains(hex.substring(0, 6));
    }
}
