package io.hub.provisioning.alerts;

import java.time.Instant;
import java.util.List;

/**
 * Phones of one site that got the same conflicting DHCP value, as the admin API lists them.
 *
 * @param site the phones' site; null for phones without one
 * @param kind the finding's kind code ({@code tftp-server}, {@code management-url} …)
 * @param option the DHCP option
 * @param value the value the phones reported
 * @param phones the phones' MACs, in order
 * @param firstSeen the first report of it among these phones
 * @param lastSeen the latest report of it among these phones
 */
public record DhcpAlert(String site, String kind, String severity, int option, String value, String decoded,
        String location, String why, String fix, List<String> phones, Instant firstSeen, Instant lastSeen) {

    public DhcpAlert {
        phones = List.copyOf(phones);
    }

    /** {@code 12 phones at site Paris got option 66 = tftp://10.1.1.5}. */
    public String summary() {
        return phones.size() + (phones.size() == 1 ? " phone" : " phones")
                + (site == null ? " without a site" : " at site " + site) + " got option " + option + " = " + value;
    }
}
