package io.hub.app.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import io.hub.app.architecture.bad.ReachesIntoModuleInternals;
import io.hub.app.architecture.bad.ReachesIntoProvisioningDevices;
import io.hub.app.architecture.bad.ReachesIntoSipLocation;
import io.hub.archfixture.left.Left;
import io.hub.archfixture.right.Right;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module lines hold over the hub's main classes, and each rule does fail on a class that crosses one. */
class ModuleBoundariesTest {

    private static JavaClasses hub;

    @BeforeAll
    static void importTheHub() {
        hub = ModuleBoundaries.mainClasses();
    }

    @Test
    void theMediaRelayUsesNoOtherModule() {
        ModuleBoundaries.RELAY_STANDS_ALONE.check(hub);
    }

    @Test
    void theDhcpCheckerUsesNoProvisioningAndNoSip() {
        ModuleBoundaries.DHCP_CHECK_STANDS_ALONE.check(hub);
    }

    @Test
    void provisioningUsesNoSipAndNoRelay() {
        ModuleBoundaries.PROVISIONING_KNOWS_NO_SIP.check(hub);
    }

    @Test
    void sipUsesNoProvisioning() {
        ModuleBoundaries.SIP_KNOWS_NO_PROVISIONING.check(hub);
    }

    @Test
    void thePhoneEmulatorUsesNoServerModule() {
        ModuleBoundaries.PHONE_EMULATOR_IS_A_CLIENT.check(hub);
    }

    @Test
    void thePhoneEmulatorUsesNoRelayCode() {
        ModuleBoundaries.PHONE_EMULATOR_USES_NO_RELAY.check(hub);
    }

    @Test
    void hubAppReachesModulesThroughTheirPublicFaces() {
        ModuleBoundaries.APP_USES_PUBLIC_FACES.check(hub);
    }

    @Test
    void featurePackagesWithinAModuleFormNoCycle() {
        ModuleBoundaries.NO_CYCLES_WITHIN_A_MODULE.check(hub);
    }

    @Test
    void aHubAppClassThatReadsASipFeaturePackageIsCaught() {
        JavaClasses bad = new ClassFileImporter().importClasses(ReachesIntoSipLocation.class);

        EvaluationResult result = ModuleBoundaries.APP_USES_PUBLIC_FACES.evaluate(bad);

        assertTrue(result.hasViolation());
        assertTrue(result.getFailureReport().toString().contains("io.hub.sip.location.Binding"),
                result.getFailureReport().toString());
    }

    @Test
    void aHubAppClassThatReadsAProvisioningFeaturePackageIsCaught() {
        JavaClasses bad = new ClassFileImporter().importClasses(ReachesIntoProvisioningDevices.class);

        EvaluationResult result = ModuleBoundaries.APP_USES_PUBLIC_FACES.evaluate(bad);

        assertTrue(result.hasViolation());
        assertTrue(result.getFailureReport().toString().contains("io.hub.provisioning.devices.Device"),
                result.getFailureReport().toString());
    }

    @Test
    void aHubAppClassThatReadsTheDhcpCheckersInsidesTheNgControlOrTheEmulatorsProvisioningIsCaught() {
        JavaClasses bad = new ClassFileImporter().importClasses(ReachesIntoModuleInternals.class);

        String report = ModuleBoundaries.APP_USES_PUBLIC_FACES.evaluate(bad).getFailureReport().toString();

        assertTrue(report.contains("io.hub.dhcp.probe.ProbePlan"), report);
        assertTrue(report.contains("io.hub.dhcp.config.ConfigChecker"), report);
        assertTrue(report.contains("io.hub.relay.control.Bencode"), report);
        assertTrue(report.contains("io.hub.phone.provisioning.Discovery"), report);
    }

    @Test
    void twoFeaturePackagesThatUseEachOtherAreCaught() {
        JavaClasses cycle = new ClassFileImporter().importClasses(Left.class, Right.class);

        EvaluationResult result = ModuleBoundaries.NO_CYCLES_WITHIN_A_MODULE.evaluate(cycle);

        assertTrue(result.hasViolation());
        assertTrue(result.getFailureReport().toString().contains("archfixture"), result.getFailureReport().toString());
    }

    @Test
    void theTestFixturesAreNotPartOfTheHub() {
        assertFalse(hub.contain(ReachesIntoSipLocation.class));
        assertFalse(hub.contain(ReachesIntoProvisioningDevices.class));
        assertFalse(hub.contain(Left.class));
        assertFalse(hub.contain(ReachesIntoModuleInternals.class));
        assertTrue(hub.contain("io.hub.sip.SipService"));
        assertTrue(hub.contain("io.hub.relay.MediaRelay"));
        assertTrue(hub.contain("io.hub.dhcp.DhcpRules"));
        assertTrue(hub.contain("io.hub.phone.Phone"));
        assertTrue(hub.contain("io.hub.provisioning.Provisioning"));
    }
}
