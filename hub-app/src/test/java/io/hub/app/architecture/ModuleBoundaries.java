package io.hub.app.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/**
 * The module lines of the hub as rules over its compiled classes (README, "Layout"). Each module is
 * one root package; what hub-app may use of it is its root package, the public face, plus the few
 * packages {@link #PUBLISHED} names with their reasons.
 */
final class ModuleBoundaries {

    static final String APP = "io.hub.app..";
    static final String PKI = "io.hub.pki..";
    static final String PROFILES = "io.hub.profiles..";
    static final String DHCP = "io.hub.dhcp..";
    static final String PROVISIONING = "io.hub.provisioning..";
    static final String RELAY = "io.hub.relay..";
    static final String SIP = "io.hub.sip..";
    static final String PHONE = "io.hub.phone..";

    /** The feature packages whose cycles {@link #NO_CYCLES_WITHIN_A_MODULE} looks for: io.hub.MODULE.FEATURE. */
    static final String FEATURES = "io.hub.(*).(*)..";

    private ModuleBoundaries() {
    }

    /** The hub's main classes: neither the tests of hub-app nor those other modules ship as test jars. */
    static JavaClasses mainClasses() {
        return new ClassFileImporter().withImportOption(ModuleBoundaries::isMainClass).importPackages("io.hub");
    }

    private static boolean isMainClass(Location location) {
        return ImportOption.Predefined.DO_NOT_INCLUDE_TESTS.includes(location) && !location.contains("-tests.jar")
                && !location.contains("/bench/");
    }

    /** The media relay is a product of its own: it knows nothing of SIP, HTTP, storage or the hub's PKI. */
    static final ArchRule RELAY_STANDS_ALONE = noClasses().that().resideInAPackage(RELAY).should()
            .dependOnClassesThat().resideInAnyPackage(SIP, PROVISIONING, APP, PHONE, DHCP, PKI)
            .because("the relay runs alone (hub relay) and is driven over one adapter")
            .allowEmptyShould(false);

    /** The DHCP checker reads configurations and probes; it knows no provisioning and no SIP. */
    static final ArchRule DHCP_CHECK_STANDS_ALONE = noClasses().that().resideInAPackage(DHCP).should()
            .dependOnClassesThat().resideInAnyPackage(PROVISIONING, SIP, RELAY, APP, PHONE)
            .because("provisioning uses the checker's rules, not the other way round")
            .allowEmptyShould(false);

    /** Provisioning knows no SIP and no relay: hub-app wires SIP to provisioning's interfaces. */
    static final ArchRule PROVISIONING_KNOWS_NO_SIP = noClasses().that().resideInAPackage(PROVISIONING).should()
            .dependOnClassesThat().resideInAnyPackage(SIP, RELAY, APP, PHONE)
            .because("SIP reaches devices through hub-app's SipAccounts, and provisioning reaches phones "
                    + "through ResyncSender")
            .allowEmptyShould(false);

    /** SIP learns accounts through {@code SipAccounts}, which hub-app implements over provisioning. */
    static final ArchRule SIP_KNOWS_NO_PROVISIONING = noClasses().that().resideInAPackage(SIP).should()
            .dependOnClassesThat().resideInAnyPackage(PROVISIONING, APP, PHONE, DHCP)
            .because("the registrar never reads provisioning's tables")
            .allowEmptyShould(false);

    /**
     * The emulator is a client of the hub, not a part of it: of the hub's code it uses only the PKI,
     * to make factory certificates (and, until the emulator has its own SRTP, see
     * {@link #PHONE_EMULATOR_USES_NO_RELAY}, the relay's SRTP and SDP classes).
     */
    static final ArchRule PHONE_EMULATOR_IS_A_CLIENT = noClasses().that().resideInAPackage(PHONE).should()
            .dependOnClassesThat().resideInAnyPackage(PROVISIONING, SIP, APP, DHCP, PROFILES)
            .because("a bug shared by the hub and its test phone cancels out")
            .allowEmptyShould(false);

    /**
     * What {@link #PHONE_EMULATOR_IS_A_CLIENT} becomes once the emulator has its own SRTP and SDES
     * (issue 12, item 6, on another branch): no relay code in the emulator at all.
     */
    static final ArchRule PHONE_EMULATOR_USES_NO_RELAY = noClasses().that().resideInAPackage(PHONE).should()
            .dependOnClassesThat().resideInAPackage(RELAY)
            .because("the emulator's media must not share the relay's SRTP, or a bug on both sides cancels out")
            .allowEmptyShould(false);

    /**
     * The packages hub-app may use, per module: its root package (the face), and beside it only the
     * packages named here, each for the reason given. Everything else of a module is its own.
     */
    static final List<String> PUBLISHED = List.of(
            "io.hub.sip",
            // The relay's root holds the library (MediaRelay) and the ng daemon (NgRelay, hub relay); the
            // DTLS-SRTP legs are the one relay object a hub process makes and hands to whichever drives it.
            "io.hub.relay", "io.hub.relay.dtls",
            // LogText: the one escaping of log values every module's log lines use.
            "io.hub.pki", "io.hub.pki.log",
            "io.hub.profiles",
            "io.hub.provisioning",
            // DhcpCheck: a configuration file checked, or a network probed.
            "io.hub.dhcp",
            // hub phone drives the emulator's parts itself: the fleet and its bench, the I/O loop, the
            // phones' certificates, and the digest answer (hub crashloop's register path).
            "io.hub.phone", "io.hub.phone.fleet", "io.hub.phone.identity", "io.hub.phone.net", "io.hub.phone.sip");

    /**
     * hub-app reaches each module through its public face: the module's root package, plus, where a
     * module has not been narrowed yet, the packages listed in {@link #PUBLISHED}.
     */
    static final ArchRule APP_USES_PUBLIC_FACES = noClasses().that().resideInAPackage(APP).should()
            .dependOnClassesThat(belongToAModuleButNotItsPublicFace())
            .because("a module's feature packages are its own; hub-app wires modules through their faces")
            .allowEmptyShould(false);

    private static DescribedPredicate<JavaClass> belongToAModuleButNotItsPublicFace() {
        DescribedPredicate<JavaClass> otherModule = resideInAnyPackage(SIP, RELAY, PKI, PROFILES, PROVISIONING, DHCP,
                PHONE);
        DescribedPredicate<JavaClass> published = resideInAnyPackage(PUBLISHED.toArray(String[]::new));
        return otherModule.and(not(published)).as("belong to a module's feature packages, not its public face");
    }

    /** Within a module, feature packages do not depend on each other in a circle. */
    static final ArchRule NO_CYCLES_WITHIN_A_MODULE = slices().matching(FEATURES).should().beFreeOfCycles()
            .allowEmptyShould(false);
}
