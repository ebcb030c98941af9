package org.dualchat.cli.server;

import java.util.Locale;
import java.util.Map;
import org.dualchat.cli.format.ColorMode;
import org.dualchat.cli.format.JsonFormat;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.PlainFormat;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code --format}, {@code --timestamps} and {@code --color}: how the server prints messages on stdout. */
public final class OutputOptions {

    /** The shape of each line on stdout. */
    enum Format {
        PLAIN,
        JSON
    }

    @Option(names = "--format", paramLabel = "plain|json", defaultValue = "plain", converter = FormatConverter.class,
            description = "Print each message as 'ip : text', or as one JSON object a line with time, protocol,"
                    + " ip, port, nick and text (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--timestamps",
            description = "Put the time each message was received (ISO-8601, UTC) in front of plain lines;"
                    + " JSON always has it.")
    boolean timestamps;

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto", converter = ColorMode.Converter.class,
            description = "Colour the sender by protocol (UDP cyan, TCP green, console yellow): auto (on a"
                    + " terminal, unless NO_COLOR is set), always or never; JSON is never coloured"
                    + " (default: ${DEFAULT-VALUE}).")
    ColorMode color;

    /**
     * The format asked for.
     *
     * @param terminal whether stdout is a terminal
     * @param env the environment, for {@code NO_COLOR} and {@code TERM}
     */
    public MessageFormat messageFormat(boolean terminal, Map<String, String> env) {
        if (format == Format.JSON) {
            return new JsonFormat();
        }
        return PlainFormat.of(timestamps, color.enabled(terminal, env));
    }

    /** Reads {@code plain} or {@code json}, in any case. */
    static final class FormatConverter implements ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            try {
                return Format.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' (expected: plain or json)");
            }
        }
    }
}
