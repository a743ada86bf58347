package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.SIPRequest;
import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.sip.CallPhone;
import io.hub.sip.SipTestClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console at {@code /admin/} in a real browser (Debian's chromium driven through chromedriver)
 * against a running hub with registered phones and a call between two of them: sign in, find a phone
 * by search and see it registered, see the call with its media figures, import a CSV with a bad line
 * and see that line, resync a phone and see its answer, read the audit log, and a display name
 * holding markup shown as text. Screenshots of the views go to {@code target/console-screenshots},
 * or to the folder {@code -Dhub.console.screenshots} names (README's come from {@code docs/console}).
 *
 * <p>The browser is {@link Chromium}'s: no chromium is a failure, not a skip.
 */
class ConsoleBrowserTest {

    private static final String PROBE = "\"><img src=x onerror=\"document.title='pwned'\">Reception";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private Hub hub;
    private WebDriver browser;
    private WebDriverWait wait;
    private final List<CallPhone> phones = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Chromium.assertInstalled();
        HubSettings settings = TestSettings.ephemeralPorts();
        settings.sipDomain = "hub.test";
        hub = Hub.start(new HubHome(dir.resolve("var")), settings.validate(), Clock.systemUTC());
        enroll("00809f000001", "1001", PROBE, "Paris");
        enroll("00809f000002", "1002", "Boardroom", "Paris");
        enroll("00809f000003", "1003", "Warehouse", "Lyon");
        enroll("00809f000004", "1004", "Spare", "Lyon");
        CallPhone reception = registered("1001", "00809f000001");
        CallPhone boardroom = registered("1002", "00809f000002");
        registered("1003", "00809f000003");
        CallPhone.call(reception, boardroom);
        byte[] image = "firmware image 2.1.0".getBytes(StandardCharsets.UTF_8);
        hub.provisioning().firmware().upload("default", "Myriad M7", "2.1.0", new ByteArrayInputStream(image),
                image.length);
        hub.provisioning().firmware().setTarget("default", "Myriad M7", "2.1.0");
        browser = Chromium.start(hub, dir.resolve("chromium-profile"));
        wait = new WebDriverWait(browser, WAIT);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        phones.forEach(CallPhone::close);
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void anAdminRunsTheFleetFromTheConsole() throws Exception {
        browser.get(adminUrl("/admin/"));
        browser.findElement(By.id("token")).sendKeys("not-the-token");
        browser.findElement(By.id("sign-in")).click();
        waitForStatus("sign-in failed: 401 bad-token: send Authorization: Bearer <the token in var/admin-token>");

        browser.findElement(By.id("token")).sendKeys(Files.readString(dir.resolve("var/admin-token")).strip());
        browser.findElement(By.id("sign-in")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("views")));
        assertEquals(List.of("00809f000001", "00809f000002", "00809f000003", "00809f000004"), deviceMacs());
        assertEquals("page 1 of 1 · 4 phone(s), 3 registered", text(By.id("page-summary")));
        screenshot("devices");

        // Found by search; registered over its flow; the probe in its name is text, not an image.
        search("recep");
        assertEquals(List.of("00809f000001"), deviceMacs());
        WebElement row = deviceRow("00809f000001");
        assertEquals(PROBE, row.findElement(By.cssSelector("td.name")).getText());
        assertTrue(row.findElement(By.cssSelector("td.registered")).getText().startsWith("flow up from 127.0.0.1:"),
                row.getText());
        assertEquals("in a call", row.findElement(By.cssSelector("td.call")).getText(), row.getText());
        assertEquals(0, browser.findElements(By.cssSelector("#devices img")).size());
        assertEquals("Hub console", browser.getTitle());

        // The call between 1001 and 1002, with its media figures.
        tab("live");
        wait.until(driver -> driver.findElements(By.cssSelector("#calls td.caller")).size() == 1);
        assertEquals("sip:1001@hub.test", text(By.cssSelector("#calls td.caller")));
        assertEquals("sip:1002@hub.test", text(By.cssSelector("#calls td.callee")));
        assertTrue(text(By.id("calls")).contains("jitter"), text(By.id("calls")));
        assertEquals(3, browser.findElements(By.cssSelector("#registrations td.aor")).size());
        screenshot("live");

        // A CSV with a bad line: the check names the line and stores nothing.
        tab("import");
        browser.findElement(By.id("import-text")).sendKeys("action,macAddress,deviceType,extension,displayName\n"
                + "create,00:80:9f:00:00:10,Myriad M7,1010,Lobby\n"
                + "create,00:80:9f:00:00,Myriad M7,1011,Broken\n");
        browser.findElement(By.id("import-check")).click();
        wait.until(driver -> driver.findElements(By.cssSelector("#import-errors td.line")).size() == 1);
        assertEquals("3", text(By.cssSelector("#import-errors td.line")));
        assertTrue(text(By.cssSelector("#import-errors td.reason")).contains("00:80:9f:00:00"),
                text(By.id("import-errors")));
        assertTrue(text(By.id("import-summary")).endsWith("1 bad line(s); nothing stored"),
                text(By.id("import-summary")));
        screenshot("import");

        // A resync of 1003: the phone answers the NOTIFY down its flow, and the console shows how.
        tab("devices");
        search("1003");
        CallPhone warehouse = phones.get(2);
        CompletableFuture<SIPRequest> notify = CompletableFuture.supplyAsync(() -> {
            try {
                SIPRequest request = warehouse.expectRequest("NOTIFY");
                warehouse.answer(request, 200, null, null);
                return request;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        deviceRow("00809f000003").findElement(By.xpath(".//button[text()='Resync']")).click();
        assertTrue(notify.get(WAIT.toSeconds(), TimeUnit.SECONDS).getHeader("Event").toString().contains("check-sync"));
        waitForStatus("resync 00809f000003: ok (SIP 200) · sip:1003@hub.test");
        wait.until(driver -> deviceRow("00809f000003").findElement(By.cssSelector("td.resync")).getText()
                .startsWith("ok "));

        // A refusal says why.
        browser.findElement(By.id("show-enroll")).click();
        WebElement enroll = browser.findElement(By.id("enroll"));
        enroll.findElement(By.name("mac")).sendKeys("00:80:9f");
        enroll.findElement(By.name("model")).sendKeys("Myriad M7");
        enroll.findElement(By.xpath(".//button[text()='Enroll']")).click();
        waitForStatus("enrolling failed: 400 invalid-device: malformed MAC address '00:80:9f': expected 12 hex "
                + "digits as 00:80:9f:aa:bb:cc, 00-80-9f-aa-bb-cc, 0080.9faa.bbcc or 00809faabbcc");

        tab("firmware");
        wait.until(driver -> driver.findElements(By.cssSelector("#firmware-targets td")).size() >= 2);
        assertTrue(text(By.id("firmware-targets")).contains("Myriad M7 2.1.0"), text(By.id("firmware-targets")));
        screenshot("firmware");

        tab("audit");
        WebElement filter = browser.findElement(By.id("audit-filter"));
        filter.findElement(By.name("action")).sendKeys("resync");
        filter.findElement(By.xpath(".//button[text()='Filter']")).click();
        wait.until(driver -> text(By.id("audit")).contains("00809f000003")
                && driver.findElements(By.cssSelector("#audit tbody tr")).size() == 1);
        screenshot("audit");
        assertEquals("Hub console", browser.getTitle(), "no markup from the hub ran as script");
    }

    // ---- the browser

    private void tab(String view) {
        browser.findElement(By.cssSelector("#views button[data-view='" + view + "']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("view-" + view)));
    }

    private void search(String text) {
        WebElement field = browser.findElement(By.id("search"));
        field.clear();
        field.sendKeys(text);
        browser.findElement(By.cssSelector("#device-filter button[type=submit]")).click();
        wait.until(driver -> !driver.findElements(By.cssSelector("#devices tbody tr")).isEmpty()
                && driver.findElements(By.cssSelector("#devices tbody tr")).stream()
                        .allMatch(row -> row.getText().toLowerCase(java.util.Locale.ROOT).contains(text)));
    }

    private List<String> deviceMacs() {
        wait.until(driver -> !driver.findElements(By.cssSelector("#devices td.mac")).isEmpty());
        return browser.findElements(By.cssSelector("#devices td.mac")).stream().map(WebElement::getText).toList();
    }

    private WebElement deviceRow(String mac) {
        return browser.findElement(By.cssSelector("#devices tr[data-mac='" + mac + "']"));
    }

    private String text(By by) {
        return browser.findElement(by).getText();
    }

    private void waitForStatus(String expected) {
        wait.withMessage(() -> "status line: " + text(By.id("status")))
                .until(driver -> text(By.id("status")).equals(expected));
    }

    private void screenshot(String name) throws Exception {
        String folder = System.getProperty("hub.console.screenshots");
        Path target = folder == null || folder.isBlank() ? Path.of("target", "console-screenshots") : Path.of(folder);
        Files.createDirectories(target);
        Files.write(target.resolve(name + ".png"), ((org.openqa.selenium.TakesScreenshot) browser)
                .getScreenshotAs(OutputType.BYTES));
    }

    // ---- the hub's phones

    private String adminUrl(String path) {
        return "https://localhost:" + hub.provisioning().adminPort() + path;
    }

    private void enroll(String mac, String extension, String name, String site) {
        hub.provisioning().enrollment().enroll("default", new DeviceDraft(mac, "Myriad M7", extension, name, site,
                null, null, null), "test", "127.0.0.1");
    }

    private CallPhone registered(String user, String mac) throws Exception {
        CallPhone phone = new CallPhone(user, SipTestClient.tls(hub.sip().tlsPort(),
                PemFiles.readCertificate(hub.pki().file(HubPki.HUB_CA_CERTIFICATE)), null, null));
        phones.add(phone);
        phone.register(hub.provisioning().enrollment().find("default", MacAddress.parse(mac)).sipPassword());
        return phone;
    }
}
