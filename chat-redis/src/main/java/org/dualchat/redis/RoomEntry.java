package org.dualchat.redis;

import io.lettuce.core.StreamMessage;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.Protocol;

/**
 * One message as an entry of the room's stream: its fields ({@code p ip port nick node t a s text}) and back.
 * {@code s} is the sending node's own sequence number, by which it knows its own messages when they come
 * back; entries another program wrote, or that do not parse, are read as {@code null}.
 *
 * @param message the message as the sending node received it
 * @param node the name of the node that received it
 * @param sequence the sending node's number for it, or 0
 */
record RoomEntry(ChatMessage message, String node, long sequence) {

    /** The stream entry's fields. */
    Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>(16);
        fields.put("p", message.protocol().name());
        fields.put("ip", message.ip());
        fields.put("port", Integer.toString(message.port()));
        if (message.nick() != null) {
            fields.put("nick", message.nick());
        }
        fields.put("node", node);
        fields.put("t", Long.toString(message.receivedAt()));
        if (message.action()) {
            fields.put("a", "1");
        }
        if (sequence != 0) {
            fields.put("s", Long.toString(sequence));
        }
        fields.put("text", message.text());
        return fields;
    }

    /** The entry in {@code stream}, or {@code null} if it is not one of ours. */
    static RoomEntry of(StreamMessage<String, String> stream) {
        return of(stream.getBody());
    }

    static RoomEntry of(Map<String, String> fields) {
        try {
            String text = fields.get("text");
            String ip = fields.get("ip");
            String node = fields.get("node");
            if (text == null || ip == null || node == null) {
                return null;
            }
            ChatMessage message = new ChatMessage(Protocol.valueOf(fields.get("p")), ip,
                    Integer.parseInt(fields.getOrDefault("port", "0")), fields.get("nick"), text,
                    Long.parseLong(fields.getOrDefault("t", "0")), "1".equals(fields.get("a")));
            String sequence = fields.get("s");
            return new RoomEntry(message, node, sequence == null ? 0 : Long.parseLong(sequence));
        } catch (IllegalArgumentException | NullPointerException notOurs) {
            return null;
        }
    }

    /** The milliseconds part of a stream id ({@code 1700000000000-3}): when Redis added it. */
    static long millisOf(String id) {
        int dash = id.indexOf('-');
        try {
            return Long.parseLong(dash < 0 ? id : id.substring(0, dash));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
