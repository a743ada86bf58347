package io.hub.sip.transport;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Any message through the remembering parser gives what JAIN-SIP's own parser gives: the same
 * message, header errors and refusals. One parser serves every input, so the lines of earlier
 * inputs are kept when a later one repeats them, as on a busy hub.
 */
class RememberingParserFuzzTest {

    private static final RememberingParser PARSER = new RememberingParser(new SimpleMeterRegistry());

    @FuzzTest(maxDuration = "10m")
    void anyMessageParsesAsJainSipParsesItWhetherItsLinesAreNewOrKept(byte[] message) {
        ParseOutcome.assertSameAsJainSip(PARSER, message, "first time");
        ParseOutcome.assertSameAsJainSip(PARSER, message, "with its lines kept");
    }
}
