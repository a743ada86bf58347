package io.hub.sip.access;

import io.hub.pki.DeviceValidation;
import io.hub.pki.MacAddress;
import io.hub.pki.RefusalCause;
import io.hub.pki.log.LogText;
import io.hub.sip.WithdrawReason;
import io.hub.sip.Withdrawal;
import io.hub.sip.call.CallRouter;
import io.hub.sip.call.EndCause;
import io.hub.sip.location.Binding;
import io.hub.sip.location.LocationService;
import io.hub.sip.registrar.CredentialSource;
import io.hub.sip.registrar.SipCredentials;
import io.hub.sip.transport.Flow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps SIP in step with a phone's right to it. A phone that is revoked, disabled or deleted is
 * taken off SIP at once ({@link #withdraw}): the calls it is in end with a BYE on both legs, its
 * bindings are removed (and announced), and the flows they were on are closed, so it has to
 * register again, which its account no longer allows.
 *
 * <p>Two things lead here. Provisioning tells the hub when a device is disabled or deleted, and
 * the hub calls {@link #recheckUser}. Revocations are written by another process ({@code hub pki
 * revoke}) into the PKI's files, so {@link #sweep}, run every second, watches the PKI's state and,
 * when it changed, judges every live flow's certificate again and re-checks every registered
 * account.
 */
public final class SipAccess {

    private static final Logger LOG = LoggerFactory.getLogger(SipAccess.class);
    /** Without any change, every flow's certificate is judged again this often (expiry, for one). */
    static final Duration FULL_SWEEP = Duration.ofMinutes(10);

    private final LocationService location;
    private final CallRouter calls;
    private final CredentialSource accounts;
    private final Predicate<MacAddress> revokedDevice;
    private final Supplier<Object> pkiState;
    private final Clock clock;
    private final List<Consumer<Withdrawal>> listeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> pkiFollowers = new CopyOnWriteArrayList<>();
    private Object lastState;
    private Instant lastFullSweep;

    /**
     * @param revokedDevice true for a phone revoked by MAC
     * @param pkiState a value that changes whenever what the certificate validator says may have
     *     changed (revocations, trusted CAs); compared with {@code equals}
     */
    public SipAccess(LocationService location, CallRouter calls, CredentialSource accounts,
            Predicate<MacAddress> revokedDevice, Supplier<Object> pkiState, Clock clock) {
        this.location = location;
        this.calls = calls;
        this.accounts = accounts;
        this.revokedDevice = revokedDevice;
        this.pkiState = pkiState;
        this.clock = clock;
        this.lastState = pkiState.get();
        this.lastFullSweep = clock.instant();
    }

    /** Withdrawals are reported to these: hub-app rotates the SIP password of a revoked phone. */
    public void onWithdrawal(Consumer<Withdrawal> listener) {
        listeners.add(listener);
    }

    /**
     * Run after every sweep that found the PKI's state changed (and at every full sweep), once live
     * flows and accounts were judged: hub-app follows revocations to phones that are offline.
     */
    public void onPkiChange(Runnable follower) {
        pkiFollowers.add(follower);
    }

    /**
     * Takes off SIP ({@link #withdraw}) every registered AOR that is {@code device}'s account or was
     * bound with its certificate; none when the device is offline.
     */
    public List<Withdrawal> withdrawDevice(MacAddress device, WithdrawReason reason, String detail) {
        List<String> aors = location.all().stream().filter(binding -> device.value().equals(binding.deviceMac())
                || accountOf(binding.aor()).flatMap(SipCredentials::device).filter(device::equals).isPresent())
                .map(Binding::aor).distinct().toList();
        return aors.stream().map(aor -> withdraw(aor, Optional.of(device), reason, detail)).toList();
    }

    private Optional<SipCredentials> accountOf(String aor) {
        try {
            return accounts.lookup(userOf(aor), domainOf(aor));
        } catch (RuntimeException e) {
            LOG.warn("sip access of {} not checked: {}", LogText.of(aor), e.toString());
            return Optional.empty();
        }
    }

    /**
     * Re-checks the accounts registered with the user part {@code user} (an extension, in any
     * domain) and withdraws those whose device is gone, disabled or revoked. For provisioning's
     * events: a device was disabled, deleted, or gave up its extension.
     */
    public List<Withdrawal> recheckUser(String user) {
        return registeredAors().stream().filter(aor -> user.equalsIgnoreCase(userOf(aor)))
                .map(this::recheck).flatMap(Optional::stream).toList();
    }

    /**
     * One look at the PKI's state: when it changed since the last look (or {@link #FULL_SWEEP}
     * passed), every flow a phone registered on has its certificate judged again, and every
     * registered account is checked; the refused are withdrawn. Cheap when nothing changed.
     */
    public void sweep() {
        Object state = pkiState.get();
        Instant now = clock.instant();
        boolean changed = !Objects.equals(state, lastState) || now.isAfter(lastFullSweep.plus(FULL_SWEEP))
                || now.isBefore(lastFullSweep);
        if (!changed) {
            return;
        }
        lastState = state;
        lastFullSweep = now;
        for (Flow flow : location.flows()) {
            flow.rejudge(now).filter(SipAccess::refusesFlow).ifPresent(verdict -> withdrawFlow(flow, verdict));
        }
        for (String aor : registeredAors()) {
            recheck(aor);
        }
        for (Runnable follower : pkiFollowers) {
            try {
                follower.run();
            } catch (RuntimeException e) {
                LOG.warn("pki change not followed up: {}", e.toString());
            }
        }
    }

    /**
     * Takes {@code aor} off SIP: its calls end with a BYE on both legs (sent while the flows are
     * still up), its bindings are removed and announced as {@code REMOVED}, and every flow they
     * were on that carries no other AOR's binding is closed.
     */
    public Withdrawal withdraw(String aor, Optional<MacAddress> device, WithdrawReason reason, String detail) {
        int ended = calls.endCallsOf(aor, EndCause.ACCESS_WITHDRAWN);
        List<Binding> bindings = location.bindings(aor);
        Set<Flow> flows = new LinkedHashSet<>();
        bindings.forEach(binding -> location.flow(binding).ifPresent(flows::add));
        if (!bindings.isEmpty()) {
            location.replace(aor, List.of());
        }
        List<Flow> closing = flows.stream().filter(flow -> location.aorsOn(flow.id()).isEmpty()).toList();
        Withdrawal withdrawal = new Withdrawal(aor, device, reason, detail, bindings.size(), closing.size(), ended);
        LOG.info("sip access withdrawn aor={}{} reason={} bindings={} flows={} calls={} detail={}",
                LogText.of(aor), device.map(mac -> " mac=" + mac.value()).orElse(""), reason.code(), bindings.size(),
                closing.size(), ended, LogText.of(detail));
        // Listeners first (the password is rotated), so the phone sees its flow close only after that.
        for (Consumer<Withdrawal> listener : listeners) {
            try {
                listener.accept(withdrawal);
            } catch (RuntimeException e) {
                LOG.warn("sip access withdrawal of {} not followed up: {}", LogText.of(aor), e.toString());
            }
        }
        closing.forEach(Flow::close);
        return withdrawal;
    }

    /** Withdraws {@code aor} when its account no longer lets it register. */
    private Optional<Withdrawal> recheck(String aor) {
        Optional<SipCredentials> account;
        try {
            account = accounts.lookup(userOf(aor), domainOf(aor));
        } catch (RuntimeException e) {
            // The store failing is no verdict on the phone: it is checked again at the next change.
            LOG.warn("sip access of {} not checked: {}", LogText.of(aor), e.toString());
            return Optional.empty();
        }
        if (account.isEmpty()) {
            return Optional.of(withdraw(aor, Optional.empty(), WithdrawReason.REMOVED, "no account any more"));
        }
        Optional<MacAddress> device = account.get().device();
        if (!account.get().enabled()) {
            return Optional.of(withdraw(aor, device, WithdrawReason.DISABLED, "device disabled"));
        }
        if (device.filter(revokedDevice).isPresent()) {
            return Optional.of(withdraw(aor, device, WithdrawReason.REVOKED, "device " + device.get()
                    + " is revoked"));
        }
        return Optional.empty();
    }

    private void withdrawFlow(Flow flow, DeviceValidation verdict) {
        RefusalCause cause = verdict.refusal().orElseThrow();
        WithdrawReason reason = cause == RefusalCause.REVOKED ? WithdrawReason.REVOKED
                : cause == RefusalCause.UNKNOWN_ISSUER ? WithdrawReason.UNTRUSTED : WithdrawReason.CERTIFICATE_REFUSED;
        String detail = cause.code() + ": " + verdict.detail() + " on " + flow;
        List<String> aors = location.aorsOn(flow.id());
        for (String aor : aors) {
            Optional<MacAddress> device = location.bindings(aor).stream().filter(b -> b.flowId() == flow.id())
                    .map(Binding::deviceMac).filter(Objects::nonNull).findFirst().map(MacAddress::parse);
            withdraw(aor, device, reason, detail);
        }
        if (flow.isOpen()) {
            // Its bindings may have moved to another flow, or expired: the certificate goes all the same.
            LOG.info("sip flow closed {}: {}", flow, LogText.of(detail));
            flow.close();
        }
    }

    /** A verdict that ends a flow: a refused certificate. A flow without one is judged by its account. */
    private static boolean refusesFlow(DeviceValidation verdict) {
        return verdict.refusal().filter(cause -> cause != RefusalCause.NO_CERTIFICATE).isPresent();
    }

    private List<String> registeredAors() {
        return location.all().stream().map(Binding::aor).distinct().toList();
    }

    static String userOf(String aor) {
        String rest = aor.toLowerCase(Locale.ROOT).startsWith("sip:") ? aor.substring(4) : aor;
        int at = rest.indexOf('@');
        return at < 0 ? rest : rest.substring(0, at);
    }

    static String domainOf(String aor) {
        int at = aor.indexOf('@');
        return at < 0 ? "" : aor.substring(at + 1).toLowerCase(Locale.ROOT);
    }
}
