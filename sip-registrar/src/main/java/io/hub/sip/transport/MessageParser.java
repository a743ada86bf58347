package io.hub.sip.transport;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.text.ParseException;

/**
 * Turns a framed message's bytes into JAIN-SIP's message. One method, so tests can stand in a
 * parser that misbehaves (one that never returns) and show the transport survives it.
 */
@FunctionalInterface
interface MessageParser {

    /** JAIN-SIP's own parser, lenient about headers it cannot read: each goes to {@code errors}. */
    MessageParser JAIN_SIP = (bytes, errors) -> new StringMsgParser().parseSIPMessage(bytes, true, false, errors);

    /**
     * @param errors told of each header that does not parse, the message still being returned
     * @throws ParseException when the message as a whole does not parse
     */
    SIPMessage parse(byte[] bytes, ParseExceptionListener errors) throws ParseException;
}
