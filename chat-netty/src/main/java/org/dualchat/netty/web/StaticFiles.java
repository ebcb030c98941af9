package org.dualchat.netty.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The chat page's files, read once from the jar at start: a fixed list, so that no request path ever
 * reaches the class path. The page learns two things about the server from placeholders in
 * {@code index.html}, filled in here: the longest line, so that it can refuse a too-long message before
 * sending it, and whether the server relays, so that it sends no command to a receive-only server (where
 * {@code /who} would be printed as a message).
 */
final class StaticFiles {

    /** One file: its bytes, type and entity tag. */
    record File(byte[] content, String contentType, String etag) {}

    private static final String ROOT = "/org/dualchat/netty/web/";
    private static final String MAX_LINE = "{{maxLine}}";
    private static final String RELAY = "{{relay}}";

    private final Map<String, File> files;

    StaticFiles(int maxLineLength, boolean relay) {
        File page = load("index.html", "text/html; charset=utf-8",
                Map.of(MAX_LINE, Integer.toString(maxLineLength), RELAY, Boolean.toString(relay)));
        files = Map.of(
                "/", page,
                "/index.html", page,
                "/chat.js", load("chat.js", "text/javascript; charset=utf-8", Map.of()),
                "/chat.css", load("chat.css", "text/css; charset=utf-8", Map.of()),
                "/icon.svg", load("icon.svg", "image/svg+xml", Map.of()));
    }

    /** The file served at {@code path}, or {@code null} if there is none. */
    File get(String path) {
        return files.get(path);
    }

    private static File load(String name, String contentType, Map<String, String> placeholders) {
        try (InputStream in = StaticFiles.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("the chat page's " + name + " is missing from the jar");
            }
            byte[] content = in.readAllBytes();
            if (!placeholders.isEmpty()) {
                String text = new String(content, StandardCharsets.UTF_8);
                for (Map.Entry<String, String> placeholder : placeholders.entrySet()) {
                    text = text.replace(placeholder.getKey(), placeholder.getValue());
                }
                content = text.getBytes(StandardCharsets.UTF_8);
            }
            return new File(content, contentType, etag(content));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the chat page's " + name, e);
        }
    }

    private static String etag(byte[] content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JVM has SHA-256", e);
        }
    }
}
