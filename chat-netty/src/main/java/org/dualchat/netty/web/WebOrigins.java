package org.dualchat.netty.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Which web pages may open the WebSocket: the chat page itself (the origin the request's {@code Host}
 * names, over the scheme the port serves) and the origins the operator allows. Without this check any
 * page the user visits could open a WebSocket to the server in the user's name, from the user's address.
 *
 * <p>A request without {@code Origin} is let in: browsers always send it on a WebSocket handshake, so
 * its absence means a client that is not a browser ({@code websocat}, a script), which no page can drive.
 */
public final class WebOrigins {

    /** The entry that allows every origin. */
    public static final String ANY = "*";

    private final List<String> allowed;
    private final boolean any;

    /** @param allowed normalised origins, as {@link #normalize} returns them */
    WebOrigins(List<String> allowed) {
        this.allowed = List.copyOf(allowed);
        this.any = allowed.contains(ANY);
    }

    /**
     * Whether a handshake with header {@code origin} (or {@code null}) and {@code host} may go on.
     *
     * @param secure whether the request came over TLS, so that the page's own origin is {@code https}
     */
    boolean permits(String origin, String host, boolean secure) {
        if (origin == null) {
            return true;
        }
        String normalised;
        try {
            normalised = normalize(origin);
        } catch (IllegalArgumentException e) {
            // "null" (a sandboxed frame, a file:// page) and anything malformed: never trusted.
            return false;
        }
        if (any || allowed.contains(normalised)) {
            return true;
        }
        if (host == null || host.isEmpty()) {
            return false;
        }
        try {
            return normalised.equals(normalize((secure ? "https://" : "http://") + host));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The canonical form of an origin: lower-case scheme and host, the port only where it is not the
     * scheme's default. {@code HTTP://Example.org:80} becomes {@code http://example.org}.
     *
     * @throws IllegalArgumentException if {@code origin} is not {@code *} nor {@code http(s)://host[:port]}
     */
    public static String normalize(String origin) {
        if (origin.equals(ANY)) {
            return ANY;
        }
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(origin + " (expected: http(s)://host[:port], or *)", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean onlyHost = uri.getHost() != null && uri.getRawUserInfo() == null
                && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                && uri.getRawQuery() == null && uri.getRawFragment() == null;
        if (!(scheme.equals("http") || scheme.equals("https")) || !onlyHost) {
            throw new IllegalArgumentException(origin + " (expected: http(s)://host[:port], or *)");
        }
        int port = uri.getPort();
        int defaultPort = scheme.equals("https") ? 443 : 80;
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return scheme + "://" + host + (port == -1 || port == defaultPort ? "" : ":" + port);
    }
}
