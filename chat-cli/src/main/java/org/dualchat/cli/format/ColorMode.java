package org.dualchat.cli.format;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --color auto|always|never}: whether received text is coloured. */
public enum ColorMode {
    AUTO,
    ALWAYS,
    NEVER;

    /**
     * Whether to colour: always, never, or (auto) on a terminal unless {@code NO_COLOR} is set to a
     * non-empty value (https://no-color.org) or {@code TERM} is {@code dumb}.
     */
    public boolean enabled(boolean terminal, Map<String, String> env) {
        switch (this) {
            case ALWAYS:
                return true;
            case NEVER:
                return false;
            case AUTO:
            default:
                String noColor = env.get("NO_COLOR");
                return terminal && (noColor == null || noColor.isEmpty()) && !"dumb".equals(env.get("TERM"));
        }
    }

    /** Reads {@code auto}, {@code always} or {@code never}, in any case. */
    public static final class Converter implements ITypeConverter<ColorMode> {
        @Override
        public ColorMode convert(String value) {
            try {
                return ColorMode.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' (expected: auto, always or never)");
            }
        }
    }
}
