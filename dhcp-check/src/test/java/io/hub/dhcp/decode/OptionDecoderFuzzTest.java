package io.hub.dhcp.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** An option's bytes as a DHCP server, a relay or a phone's report may carry them. */
class OptionDecoderFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void anyBytesOfAnyOptionDecodeToAValueOrAProblem(FuzzedDataProvider data) {
        int code = data.consumeInt(0, 255);
        String vendorClass = data.consumeBoolean() ? null : data.pickValue(new String[] {"alcatel.sip.0",
            "alcatel.a4400.0", "yealink", data.consumeString(20)});
        byte[] bytes = data.consumeRemainingAsBytes();

        DecodedOption decoded = OptionDecoder.decode(code, bytes, vendorClass);

        assertEquals(code, decoded.code());
        assertNotNull(decoded.name());
        assertNotNull(decoded.text());
        assertNotNull(decoded.problem());
        decoded.locations().forEach(location -> assertNotNull(location.value()));
    }
}
