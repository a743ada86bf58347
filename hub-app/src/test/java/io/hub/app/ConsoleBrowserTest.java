package io.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.SIPRequest;
import io.hub.pki.DeviceCertificateRequest;
import io.hub.pki.DeviceCertificates;
import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import io.hub.provisioning.devices.DeviceDraft;
import io.hub.sip.CallPhone;
import io.hub.sip.SipTestClient;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
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
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
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
        // A table the console rebuilt while a condition read it is read again, not a failure.
        wait.ignoring(StaleElementReferenceException.class);
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

        signIn();
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
        recordUploadProgress();
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
        assertProgressReached("import-progress", ("action,macAddress,deviceType,extension,displayName\n"
                + "create,00:80:9f:00:00:10,Myriad M7,1010,Lobby\n"
                + "create,00:80:9f:00:00,Myriad M7,1011,Broken\n").length());
        screenshot("import");

        // A resync of 1003: the phone answers the NOTIFY down its flow, and the console shows how.
        tab("devices");
        search("1003");
        CompletableFuture<SIPRequest> notify = nextNotifyAnswered(phones.get(2));
        clickInRow("00809f000003", "Resync");
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

    @Test
    void firmwareIsUploadedWithProgressAndSiteSettingsAreSavedAndRolledOut() throws Exception {
        // The registered phones answer every check-sync the changes below send them.
        phones.forEach(ConsoleBrowserTest::answerCheckSyncs);
        browser.get(adminUrl("/admin/"));
        signIn();

        // An image uploaded from a file: the upload's progress events reach the bar, which ends full.
        tab("firmware");
        byte[] image = new byte[1 << 20];
        new java.util.Random(7).nextBytes(image);
        Path file = Files.write(dir.resolve("m7-2.2.0.bin"), image);
        recordUploadProgress();
        WebElement upload = browser.findElement(By.id("firmware-upload"));
        upload.findElement(By.name("model")).sendKeys("Myriad M7");
        upload.findElement(By.name("version")).sendKeys("2.2.0");
        browser.findElement(By.id("firmware-file")).sendKeys(file.toString());
        upload.findElement(By.cssSelector("button[type=submit]")).click();
        waitForStatus("uploaded Myriad M7 2.2.0 (sha256 " + java.util.HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(image)) + ")");
        assertProgressReached("firmware-progress", image.length);

        // Made the model's target from its row; the targets table says so.
        wait.until(driver -> text(By.id("firmware")).contains("2.2.0"));
        browser.findElements(By.cssSelector("#firmware tbody tr")).stream()
                .filter(row -> row.getText().contains("2.2.0")).findFirst().orElseThrow()
                .findElement(By.xpath(".//button[text()='Make target']")).click();
        waitForStatus("Myriad M7 phones now get 2.2.0");
        wait.until(driver -> text(By.id("firmware-targets")).contains("Myriad M7 2.2.0"));
        assertEquals("2.2.0", hub.provisioning().firmware().target("default", "Myriad M7").orElseThrow().version());
        screenshot("firmware-upload");

        // Refusals: an empty file never leaves the browser; a version the hub refuses says why.
        Path empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
        browser.findElement(By.id("firmware-file")).clear();
        browser.findElement(By.id("firmware-file")).sendKeys(empty.toString());
        upload.findElement(By.cssSelector("button[type=submit]")).click();
        waitForStatus("the firmware upload failed: choose a file that is not empty");
        upload.findElement(By.name("version")).clear();
        upload.findElement(By.name("version")).sendKeys("2.3 beta");
        browser.findElement(By.id("firmware-file")).clear();
        browser.findElement(By.id("firmware-file")).sendKeys(file.toString());
        upload.findElement(By.cssSelector("button[type=submit]")).click();
        waitForStatus("the firmware upload failed: 400 invalid-version: version '2.3 beta' must be 1 to 64 "
                + "letters, digits or . _ + -, starting with a letter or digit");

        // Site settings: a setting added and saved, read back; an unknown key refused with its reason.
        tab("sites");
        browser.findElement(By.id("site-name")).sendKeys("Paris");
        browser.findElement(By.cssSelector("#site-pick button[type=submit]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("site-settings")));
        addSetting("locale.timezone", "Europe/Paris");
        browser.findElement(By.cssSelector("#site-settings button[type=submit]")).click();
        waitForStatus("site Paris saved; its phones are told to resync");
        wait.until(driver -> driver.findElements(By.cssSelector("#site-table input[name=value]")).stream()
                .anyMatch(input -> "Europe/Paris".equals(input.getDomProperty("value"))));
        AdminHttp admin = new AdminHttp(hub, dir.resolve("var"));
        String site = admin.get("/admin/v1/sites/Paris");
        assertTrue(site.contains("\"locale.timezone\":\"Europe/Paris\""), site);

        addSetting("volume.max", "11");
        browser.findElement(By.cssSelector("#site-settings button[type=submit]")).click();
        waitForStatus("saving site Paris failed: 400 invalid-setting: unknown setting 'volume.max'");
        assertTrue(!admin.get("/admin/v1/sites/Paris").contains("volume.max"), "nothing of a refused save is kept");

        // The site's phones told again on demand: the rollout's progress ends with both phones' answers.
        browser.findElement(By.id("site-resync")).click();
        wait.withMessage(() -> "rollout: " + text(By.id("site-rollout"))).until(driver ->
                text(By.id("site-rollout")).matches("rollout \\S+: 2 of 2 done ok 2"));
        screenshot("sites");
        assertEquals("Hub console", browser.getTitle());
    }

    @Test
    void theDeviceListIsFilteredAndPagedAndEachPhoneIsManagedFromItsRow() throws Exception {
        for (int i = 0; i < 26; i++) {
            enroll(String.format("00809f0001%02d", i), Integer.toString(3000 + i), "Desk " + i, "Nice");
        }
        // The Lyon spare phone reports a firmware behind the target and a DHCP option that misleads it.
        reportStatus("00809f000004", "{\"firmware\": \"2.0.0\", \"ip\": \"10.1.0.20\", "
                + "\"dhcp\": {\"66\": \"tftp://10.1.1.5\"}}");
        browser.get(adminUrl("/admin/"));
        signIn();
        deviceMacs();

        // Pages of 25: thirty phones are two pages.
        new Select(browser.findElement(By.id("filter-size"))).selectByVisibleText("25");
        browser.findElement(By.cssSelector("#device-filter button[type=submit]")).click();
        wait.until(driver -> text(By.id("page-summary")).equals("page 1 of 2 · 30 phone(s), 3 registered"));
        assertEquals(25, deviceMacs().size());
        browser.findElement(By.id("page-next")).click();
        wait.until(driver -> text(By.id("page-summary")).equals("page 2 of 2 · 30 phone(s), 3 registered"));
        assertEquals(5, deviceMacs().size());
        assertTrue(!browser.findElement(By.id("page-next")).isEnabled(), "no page after the last");

        // Filters by site and by live state, together.
        new Select(browser.findElement(By.id("filter-site"))).selectByVisibleText("Lyon");
        browser.findElement(By.cssSelector("#device-filter button[type=submit]")).click();
        wait.until(driver -> deviceMacs().equals(List.of("00809f000003", "00809f000004")));
        WebElement spare = deviceRow("00809f000004");
        assertEquals("1", spare.findElement(By.cssSelector("td.alert")).getText(), "its DHCP alert: " + spare.getText());
        assertEquals("2.0.0 → 2.1.0", spare.findElement(By.cssSelector("td.behind")).getText(), spare.getText());
        assertTrue(spare.getText().contains(" status from "), "its last contact: " + spare.getText());
        new Select(browser.findElement(By.id("filter-live"))).selectByVisibleText("registered");
        browser.findElement(By.cssSelector("#device-filter button[type=submit]")).click();
        wait.until(driver -> deviceMacs().equals(List.of("00809f000003")));
        new Select(browser.findElement(By.id("filter-site"))).selectByVisibleText("every site");
        new Select(browser.findElement(By.id("filter-live"))).selectByVisibleText("registered or not");

        // The alert itself: what the phones got, why it misleads them and how to fix it.
        tab("alerts");
        wait.until(driver -> text(By.id("alerts")).contains("1 phone at site Lyon got option 66 = tftp://10.1.1.5"));
        assertTrue(text(By.id("alerts")).contains("00809f000004"), text(By.id("alerts")));
        screenshot("alerts");
        tab("devices");

        // Enrolled from the form, then found by search.
        browser.findElement(By.id("show-enroll")).click();
        WebElement enroll = browser.findElement(By.id("enroll"));
        enroll.findElement(By.name("mac")).sendKeys("00:80:9f:00:00:50");
        enroll.findElement(By.name("model")).sendKeys("Myriad M7");
        enroll.findElement(By.name("extension")).sendKeys("1050");
        enroll.findElement(By.name("displayName")).sendKeys("Lobby");
        enroll.findElement(By.name("site")).sendKeys("Paris");
        enroll.findElement(By.xpath(".//button[text()='Enroll']")).click();
        waitForStatus("00809f000050 enrolled");
        search("lobby");
        assertEquals(List.of("00809f000050"), deviceMacs());

        // Edited: markup typed as a name stays text.
        clickInRow("00809f000050", "Edit");
        WebElement edit = browser.findElement(By.id("edit"));
        wait.until(ExpectedConditions.visibilityOf(edit));
        edit.findElement(By.name("displayName")).clear();
        edit.findElement(By.name("displayName")).sendKeys("<i>Lobby</i>");
        edit.findElement(By.xpath(".//button[text()='Save']")).click();
        waitForStatus("00809f000050 saved");
        wait.until(driver -> deviceRow("00809f000050").findElement(By.cssSelector("td.name")).getText()
                .equals("<i>Lobby</i>"));
        assertEquals("<i>Lobby</i>", hub.provisioning().enrollment().find("default",
                MacAddress.parse("00809f000050")).displayName());

        // Disabled and enabled again from its row.
        clickInRow("00809f000050", "Disable");
        waitForStatus("00809f000050 disabled");
        wait.until(driver -> deviceRow("00809f000050").findElement(By.cssSelector("td.state")).getText()
                .equals("disabled"));
        clickInRow("00809f000050", "Enable");
        waitForStatus("00809f000050 enabled");

        // Removed, once the admin confirms.
        clickInRow("00809f000050", "Remove");
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        waitForStatus("00809f000050 removed");
        assertTrue(hub.provisioning().enrollment().byExtension("default", "1050").isEmpty(), "gone from the hub");

        // A reboot goes down the phone's flow as check-sync;reboot=true, and its answer is shown.
        search("1003");
        CompletableFuture<SIPRequest> notify = nextNotifyAnswered(phones.get(2));
        clickInRow("00809f000003", "Reboot");
        assertEquals("Event: check-sync;reboot=true", notify.get(WAIT.toSeconds(), TimeUnit.SECONDS)
                .getHeader("Event").toString().strip());
        waitForStatus("reboot 00809f000003: ok (SIP 200) · sip:1003@hub.test");
        assertEquals("Hub console", browser.getTitle());
    }

    // ---- the browser

    private void signIn() throws Exception {
        browser.findElement(By.id("token")).sendKeys(Files.readString(dir.resolve("var/admin-token")).strip());
        browser.findElement(By.id("sign-in")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("views")));
    }

    /** A new row of the open site's table, filled in. */
    private void addSetting(String key, String value) {
        browser.findElement(By.id("site-add")).click();
        List<WebElement> rows = browser.findElements(By.cssSelector("#site-table tbody tr"));
        WebElement row = rows.get(rows.size() - 1);
        row.findElement(By.name("key")).sendKeys(key);
        row.findElement(By.name("value")).sendKeys(value);
    }

    /** From now on the page's uploads record their progress events, for {@link #assertProgressReached}. */
    private void recordUploadProgress() {
        ((JavascriptExecutor) browser).executeScript("window.uploadProgress = [];"
                + "const send = XMLHttpRequest.prototype.send;"
                + "XMLHttpRequest.prototype.send = function (body) {"
                + "  this.upload.addEventListener('progress', e => window.uploadProgress.push([e.loaded, e.total]));"
                + "  return send.call(this, body); };");
    }

    /** The last upload reported its progress up to its every byte, and its bar {@code bar} ended full. */
    private void assertProgressReached(String bar, long bytes) {
        assertEquals("100", browser.findElement(By.id(bar)).getDomProperty("value"));
        List<?> progress = (List<?>) ((JavascriptExecutor) browser).executeScript("return window.uploadProgress");
        assertTrue(!progress.isEmpty() && progress.get(progress.size() - 1).equals(List.of(bytes, bytes)),
                "the upload reported its progress up to every byte: " + progress);
    }

    /** The next NOTIFY that comes down {@code phone}'s flow, answered 200 by it. */
    private static CompletableFuture<SIPRequest> nextNotifyAnswered(CallPhone phone) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                SIPRequest request = phone.expectRequest("NOTIFY");
                phone.answer(request, 200, null, null);
                return request;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

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

    /**
     * Clicks a button of a device's row. The list is drawn anew after each action, also after its
     * status line says it is done, so a row found a moment before may be gone: it is looked up again.
     */
    private void clickInRow(String mac, String button) {
        new WebDriverWait(browser, WAIT).ignoring(StaleElementReferenceException.class).until(driver -> {
            deviceRow(mac).findElement(By.xpath(".//button[text()='" + button + "']")).click();
            return true;
        });
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

    /**
     * Answers 200 to each check-sync NOTIFY down the phone's flow, on a thread of its own, until the
     * phone is closed (its socket's read fails) or after a bounded number of reads; a read that times
     * out between two changes is waited past.
     */
    private static void answerCheckSyncs(CallPhone phone) {
        Thread answering = new Thread(() -> {
            for (int reads = 0; reads < 200; reads++) {
                try {
                    SIPRequest request = phone.expectRequest("NOTIFY");
                    phone.answer(request, 200, null, null);
                } catch (java.net.SocketTimeoutException e) {
                    // nothing sent for a while: read again
                } catch (Exception | AssertionError e) {
                    return;
                }
            }
        }, "answers " + phone.user);
        answering.setDaemon(true);
        answering.start();
    }

    /** A status report from the phone itself, over HTTPS with a device certificate the hub's CA issued. */
    private void reportStatus(String mac, String json) throws Exception {
        DeviceCertificates.IssuedCertificate certificate = hub.pki().issueDeviceCertificate(
                DeviceCertificateRequest.of(MacAddress.parse(mac), "Myriad M7"), dir.resolve("certificate-" + mac));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(SipTestClient.context(PemFiles.readCertificate(hub.pki().file(HubPki.HUB_CA_CERTIFICATE)),
                        certificate.certificate(), certificate.keys().getPrivate())).build();
        HttpResponse<String> status = client.send(HttpRequest.newBuilder(URI.create("https://localhost:"
                + hub.provisioning().devicePort() + "/prov/v1/status/" + mac))
                .POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, status.statusCode(), status.body());
    }

    private CallPhone registered(String user, String mac) throws Exception {
        CallPhone phone = new CallPhone(user, SipTestClient.tls(hub.sip().tlsPort(),
                PemFiles.readCertificate(hub.pki().file(HubPki.HUB_CA_CERTIFICATE)), null, null));
        phones.add(phone);
        phone.register(hub.provisioning().enrollment().find("default", MacAddress.parse(mac)).sipPassword());
        return phone;
    }
}
