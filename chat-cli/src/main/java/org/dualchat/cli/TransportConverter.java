package org.dualchat.cli;

import java.util.Locale;
import org.dualchat.netty.common.TransportType;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code auto}, {@code epoll} or {@code nio}, in any case. */
public final class TransportConverter implements ITypeConverter<TransportType> {

    @Override
    public TransportType convert(String value) {
        try {
            return TransportType.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("'" + value + "' (expected: auto, epoll or nio)");
        }
    }
}
