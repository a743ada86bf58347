package io.hub.app;

import io.hub.phone.Phone;
import io.hub.phone.PhoneSettings;
import io.hub.phone.identity.PhoneCertificates;
import io.hub.phone.net.NetLoop;
import io.hub.pki.HubPki;
import io.hub.pki.MacAddress;
import io.hub.pki.PemFiles;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** One emulator phone booted against a hub a test started, on a loop of its own; closing stops both. */
final class EmulatedPhone implements AutoCloseable {

    private final NetLoop loop;
    private final ExecutorService work;
    private final Phone phone;

    private EmulatedPhone(NetLoop loop, ExecutorService work, Phone phone) {
        this.loop = loop;
        this.work = work;
        this.phone = phone;
    }

    /**
     * A Myriad M7 with a factory certificate from the hub's development CA, valid by {@code clock},
     * booted and registered.
     */
    static EmulatedPhone booted(Hub hub, String mac, Clock clock, Phone.Listener listener) throws Exception {
        NetLoop loop = new NetLoop("phones");
        ExecutorService work = Executors.newSingleThreadExecutor();
        Phone phone = new Phone(loop, settingsFor(hub), new PhoneCertificates(Optional.empty(), hub.pki(), clock),
                work, MacAddress.parse(mac), "Myriad M7", null, listener);
        EmulatedPhone emulated = new EmulatedPhone(loop, work, phone);
        try {
            phone.boot().get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            emulated.close();
            throw e;
        }
        return emulated;
    }

    /** What a phone is given to find the hub: its device port, trusting the hub's CA. */
    static PhoneSettings settingsFor(Hub hub) {
        return PhoneSettings.defaults(URI.create("https://localhost:" + hub.provisioning().devicePort() + "/"),
                List.of(PemFiles.readCertificate(hub.pki().file(HubPki.HUB_CA_CERTIFICATE))));
    }

    Phone phone() {
        return phone;
    }

    @Override
    public void close() throws Exception {
        try {
            phone.stop().get(15, TimeUnit.SECONDS);
        } finally {
            loop.close();
            work.shutdownNow();
        }
    }
}
