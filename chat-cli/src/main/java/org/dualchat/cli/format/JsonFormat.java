package org.dualchat.cli.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.IsoTime;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.Protocol;
import org.dualchat.core.TextSafety;

/**
 * One JSON object per message, one per line (JSON Lines), for {@code jq} and log shippers:
 *
 * <pre>{@code
 * {"time":"2025-01-02T10:41:07.012Z","protocol":"tcp","ip":"127.0.0.1","port":40312,"nick":"alice","text":"hi"}
 * }</pre>
 *
 * <ul>
 *   <li>{@code time}: when the server received the message, ISO-8601 UTC with milliseconds;</li>
 *   <li>{@code protocol}: {@code udp}, {@code tcp}, {@code ws} (a WebSocket client: the chat page) or
 *       {@code console};</li>
 *   <li>{@code ip} and {@code port}: the sender ({@code "server"} and 0 for the console);</li>
 *   <li>{@code nick}: only when the sender has one (jq's {@code .nick} gives {@code null} otherwise);</li>
 *   <li>{@code action}: {@code true} for an action ({@code /me waves}: the text is {@code waves}), absent
 *       for an ordinary message, so that a line typed as {@code * waves} is told from one;</li>
 *   <li>{@code text}: exactly what was received, JSON-escaped.</li>
 * </ul>
 *
 * <p>Besides what JSON requires, DEL, the C1 controls, the bidirectional controls and U+2028/U+2029 are
 * written as {@code \}{@code uXXXX} escapes, so that {@code cat} or {@code tail -f} of the output cannot
 * drive a terminal; any JSON reader gives back the original text. Other characters are written as UTF-8.
 *
 * <p>Encoding uses one streaming Jackson generator, kept between messages; {@link #write} is synchronized,
 * so one instance may serve several writers, though it is fastest with one.
 */
public final class JsonFormat implements MessageFormat {

    private static final JsonFactory FACTORY = new JsonFactoryBuilder()
            // The generator writes into the sink's writer: it must neither close nor flush it.
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)
            .characterEscapes(new TerminalSafeEscapes())
            .rootValueSeparator((String) null)
            .build();

    private static final SerializableString TIME = new SerializedString("time");
    private static final SerializableString PROTOCOL = new SerializedString("protocol");
    private static final SerializableString IP = new SerializedString("ip");
    private static final SerializableString PORT = new SerializedString("port");
    private static final SerializableString NICK = new SerializedString("nick");
    private static final SerializableString TEXT = new SerializedString("text");
    private static final SerializableString ACTION = new SerializedString("action");
    private static final SerializableString[] PROTOCOL_NAMES = protocolNames();

    private final IsoTime isoTime = new IsoTime();
    private final char[] timeBuffer = new char[IsoTime.MAX_LENGTH];
    private Writer target;
    private JsonGenerator generator;

    @Override
    public synchronized void write(ChatMessage message, Writer out) throws IOException {
        JsonGenerator g = generatorFor(out);
        try {
            g.writeStartObject();
            g.writeFieldName(TIME);
            g.writeString(timeBuffer, 0, isoTime.write(message.receivedAt(), timeBuffer));
            g.writeFieldName(PROTOCOL);
            g.writeString(PROTOCOL_NAMES[message.protocol().ordinal()]);
            g.writeFieldName(IP);
            g.writeString(message.ip());
            g.writeFieldName(PORT);
            g.writeNumber(message.port());
            if (message.nick() != null) {
                g.writeFieldName(NICK);
                g.writeString(message.nick());
            }
            g.writeFieldName(TEXT);
            g.writeString(message.text());
            if (message.action()) {
                g.writeFieldName(ACTION);
                g.writeBoolean(true);
            }
            g.writeEndObject();
            g.writeRaw('\n');
            // Hands the generator's buffer to the writer, whose own flushing the sink decides.
            g.flush();
        } catch (IOException | RuntimeException e) {
            // A generator stopped half-way through an object is of no more use.
            generator = null;
            throw e;
        }
    }

    private JsonGenerator generatorFor(Writer out) throws IOException {
        if (generator == null || target != out) {
            generator = FACTORY.createGenerator(out);
            target = out;
        }
        return generator;
    }

    private static SerializableString[] protocolNames() {
        Protocol[] protocols = Protocol.values();
        SerializableString[] names = new SerializableString[protocols.length];
        for (Protocol p : protocols) {
            names[p.ordinal()] = new SerializedString(p.name().toLowerCase(Locale.ROOT));
        }
        return names;
    }

    /** JSON's own escapes, plus a {@code \}{@code uXXXX} escape for every character {@link TextSafety} deems unsafe. */
    private static final class TerminalSafeEscapes extends CharacterEscapes {

        private static final long serialVersionUID = 1L;

        private final int[] ascii;

        TerminalSafeEscapes() {
            ascii = standardAsciiEscapesForJSON();
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            // Called for characters above ASCII only: most text never gets past the first comparison.
            if (ch < 0x80 || !TextSafety.isUnsafe((char) ch)) {
                return null;
            }
            return new SerializedString(String.format("\\u%04X", ch));
        }
    }
}
