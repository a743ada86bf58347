package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.pki.TlsProvider;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class OpenFileBudgetTest {

    private static HubSettings caps(int sip, int http, int web) {
        HubSettings settings = new HubSettings();
        settings.sipMaxConnections = sip;
        settings.httpMaxConnections = http;
        settings.webMaxConnections = web;
        return settings;
    }

    @Test
    void aConscryptConnectionTakesThreeDescriptorsAndAJdkOrTcnativeOneOne() {
        HubSettings settings = caps(10_000, 1_000, 500);
        assertEquals(2 * 1_000 + 10_000 + 500, OpenFileBudget.needed(settings, TlsProvider.TCNATIVE,
                TlsProvider.TCNATIVE));
        assertEquals(2 * 1_000 * 3 + 10_000 + 500, OpenFileBudget.needed(settings, TlsProvider.CONSCRYPT,
                TlsProvider.JDK));
        assertEquals(2 * 1_000 + 10_000 * 3 + 500, OpenFileBudget.needed(settings, TlsProvider.JDK,
                TlsProvider.CONSCRYPT));
    }

    @Test
    void aLimitBelowTheCapsIsSaidWithWhatToDo() {
        HubSettings settings = caps(10_000, 1_000, 500);
        String warning = OpenFileBudget.warning(20_000, settings, TlsProvider.CONSCRYPT, TlsProvider.CONSCRYPT)
                .orElseThrow();
        assertTrue(warning.startsWith("open files: this process may open 20000, the connection caps can take 36500 "
                + "(sipMaxConnections 10000 at 3 each on conscrypt, httpMaxConnections 1000 on each of two ports at 3 "
                + "each on conscrypt, webMaxConnections 500)"), warning);
        assertTrue(warning.endsWith("raise the limit (ulimit -n, LimitNOFILE) or lower the caps"), warning);
    }

    @Test
    void aLimitThatCoversTheCapsOrAnUnknownOneIsNotWarnedOf() {
        HubSettings settings = caps(10_000, 1_000, 500);
        assertEquals(Optional.empty(), OpenFileBudget.warning(12_500, settings, TlsProvider.JDK, TlsProvider.JDK));
        assertTrue(OpenFileBudget.warning(12_499, settings, TlsProvider.JDK, TlsProvider.JDK).isPresent());
        assertEquals(Optional.empty(), OpenFileBudget.warning(-1, settings, TlsProvider.CONSCRYPT,
                TlsProvider.CONSCRYPT));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void thisProcessKnowsItsLimitOnLinux() {
        assertTrue(OpenFileBudget.processLimit() > 0);
    }
}
