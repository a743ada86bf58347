package io.hub.sip.transport;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.ParserFactory;
import gov.nist.javax.sip.parser.StringMsgParser;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.text.ParseException;

/**
 * JAIN-SIP's parser that remembers the request lines and header lines it parsed, and gives a copy
 * of the remembered result when the same line comes again. Phones repeat most of their lines: the
 * REGISTER answering a challenge repeats every line of the one challenged but its Via, CSeq and
 * Authorization; a re-registration keeps its Call-ID, From tag and Contact; every phone of a model
 * sends the same Allow, Supported and User-Agent. Parsing took a quarter of the hub's CPU under
 * REGISTER load, and a copy of a parsed line (JAIN-SIP's own deep {@code clone}) costs between a
 * fiftieth and a quarter of its parse.
 *
 * <p>The message is the one JAIN-SIP's parser makes: its own loop frames the lines, a line not
 * remembered is parsed by JAIN-SIP, and a line whose parse or attachment fails goes back to
 * JAIN-SIP's own handling, which reports it as it always does. Only lines that parsed are kept,
 * each as a private copy the message never sees, so nothing a handler changes in a message reaches
 * the next one.
 *
 * <p>Lines that differ in every request (Via with its branch, CSeq, the digest answers) are not
 * kept. The memory is bounded by the text of the lines kept ({@link #MAX_KEPT_CHARACTERS}), so a
 * flood of distinct lines only evicts, and lines longer than {@link #MAX_LINE} are never kept.
 */
final class RememberingParser implements MessageParser {

    /** The text of the lines kept, in characters, counted with {@link #ENTRY_WEIGHT} each on top. */
    static final long MAX_KEPT_CHARACTERS = 512 * 1024;
    /** What a kept line costs beyond its text, so that many short lines are bounded too. */
    static final int ENTRY_WEIGHT = 64;
    /** Longer lines are parsed each time: they are rare, and their parsed form is large. */
    static final int MAX_LINE = 512;
    /** Header names, in lower case and compact forms, whose lines change with every request. */
    private static final String[] NEVER_REPEATED = {"via", "v", "cseq", "authorization", "proxy-authorization"};

    private final Cache<String, Object> kept = Caffeine.newBuilder()
            .maximumWeight(MAX_KEPT_CHARACTERS)
            .<String, Object>weigher((line, parsed) -> line.length() + ENTRY_WEIGHT)
            .executor(Runnable::run)
            .build();
    private final Lines lines = new Lines();

    /** Kept lines are counted in {@code hub.sip.parse.lines.kept}. */
    RememberingParser(MeterRegistry metrics) {
        Gauge.builder("hub.sip.parse.lines.kept", kept, Cache::estimatedSize)
                .description("SIP request and header lines kept parsed, so a repeated line is copied rather than "
                        + "parsed (at most " + MAX_KEPT_CHARACTERS + " characters of them)")
                .register(metrics);
    }

    @Override
    public SIPMessage parse(byte[] bytes, ParseExceptionListener errors) throws ParseException {
        return lines.parseSIPMessage(bytes, true, false, errors);
    }

    /** Lines kept now. */
    long keptLines() {
        kept.cleanUp();
        return kept.estimatedSize();
    }

    /** What the kept lines weigh now, against {@link #MAX_KEPT_CHARACTERS}. */
    long keptWeight() {
        kept.cleanUp();
        return kept.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    }

    /** JAIN-SIP's message loop, with each line looked up before it is parsed. Holds no state of a parse. */
    private final class Lines extends StringMsgParser {

        @Override
        protected SIPMessage processFirstLine(String line, ParseExceptionListener errors, byte[] raw)
                throws ParseException {
            if (line.length() <= MAX_LINE && kept.getIfPresent(line) instanceof RequestLine requestLine) {
                SIPRequest request = new SIPRequest();
                request.setRequestLine((RequestLine) requestLine.clone());
                return request;
            }
            SIPMessage message = super.processFirstLine(line, errors, raw);
            if (line.length() <= MAX_LINE && message instanceof SIPRequest request
                    && request.getRequestLine() != null) {
                kept.put(line, request.getRequestLine().clone());
            }
            return message;
        }

        @Override
        protected void processHeader(String header, SIPMessage message, ParseExceptionListener errors, byte[] raw)
                throws ParseException {
            if (header == null || header.length() > MAX_LINE || !repeats(header)) {
                super.processHeader(header, message, errors, raw);
                return;
            }
            if (kept.getIfPresent(header) instanceof SIPHeader known) {
                attachOrReport((SIPHeader) known.clone(), header, message, errors, raw);
                return;
            }
            SIPHeader parsed;
            try {
                parsed = ParserFactory.createParser(header + "\n").parse();
            } catch (ParseException e) {
                // JAIN-SIP parses it again and reports the failure its own way.
                super.processHeader(header, message, errors, raw);
                return;
            }
            kept.put(header, parsed.clone());
            attachOrReport(parsed, header, message, errors, raw);
        }

        private void attachOrReport(SIPHeader parsed, String header, SIPMessage message,
                ParseExceptionListener errors, byte[] raw) throws ParseException {
            try {
                message.attachHeader(parsed, false);
            } catch (ParseException e) {
                // JAIN-SIP declares a refusal here for a header that may come only once; one leaves
                // the message as it was, and JAIN-SIP's own path meets it again and reports it.
                super.processHeader(header, message, errors, raw);
            }
        }
    }

    /**
     * Whether lines of this header may come again unchanged. The name is compared in place: cutting
     * it out and lowering its case cost a tenth of what the lookups saved.
     */
    private static boolean repeats(String header) {
        int end = header.indexOf(':');
        if (end < 0) {
            return false;
        }
        while (end > 0 && header.charAt(end - 1) <= ' ') {
            end--;
        }
        for (String name : NEVER_REPEATED) {
            if (end == name.length() && header.regionMatches(true, 0, name, 0, end)) {
                return false;
            }
        }
        return true;
    }
}
