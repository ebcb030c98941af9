package org.dualchat.netty.room;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.TextSafety;
import org.dualchat.netty.stats.ServerStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat room: the TCP clients that have joined, the UDP sources that may receive relays, and the
 * fan-out of each message to all of them but its sender.
 *
 * <p>Each message is encoded once, as the line {@code sender : text}, and shared by every receiver.
 * Receivers are grouped by event loop: a message costs one task per event loop, not one per receiver,
 * and each loop writes to its own clients and flushes them once for all the relays queued meanwhile.
 * Tasks from one thread run in order on each loop, so relays from one sender reach every receiver in the
 * order sent. A client whose outbound buffer is over its limit misses relays (counted) rather than
 * slowing the room or growing memory; it is told how many once it reads again.
 */
public final class Room {

    private static final Logger logger = LoggerFactory.getLogger(Room.class);

    /** Names a client may take: a letter first, then letters, digits and {@code _ - . [ ] ^}. */
    static final int MAX_NICK_LENGTH = 24;

    private final ServerStats stats;
    private final RecentSources udpSources;
    private final Map<EventExecutor, LoopShare> loops = new ConcurrentHashMap<>();
    private final Map<Channel, Member> members = new ConcurrentHashMap<>();
    private final Map<String, Member> nicks = new ConcurrentHashMap<>();
    private volatile Channel udpChannel;
    private volatile Executor leaveLogs = Runnable::run;

    /** @param udpSources the UDP sources to relay to, or {@code null} to relay to TCP clients only */
    public Room(ServerStats stats, RecentSources udpSources) {
        this.stats = stats;
        this.udpSources = udpSources;
    }

    /**
     * Where the log line of a leave runs: through the sink's {@code afterPrinted}, so that on a terminal a
     * client's leave is not logged before its last message is printed.
     */
    public void logLeavesThrough(Executor executor) {
        this.leaveLogs = executor;
    }

    /** The channel UDP relays are sent from; set once it is bound. */
    public void udpChannel(Channel channel) {
        this.udpChannel = channel;
    }

    /** The UDP sources that may receive relays, or {@code null} if UDP relay is off. */
    public RecentSources udpSources() {
        return udpSources;
    }

    public int size() {
        return members.size();
    }

    /** Adds a client; on its event loop. The others are told. */
    public Member join(Channel channel) {
        Member member = new Member(channel);
        members.put(channel, member);
        loops.computeIfAbsent(channel.eventLoop(), LoopShare::new).members.add(member);
        logger.info("{} joined ({} here)", member.label(), members.size());
        notice("* " + member.label() + " joined", member);
        return member;
    }

    /** Removes a client; on its event loop. The others are told, with its reason if it gave one. */
    public void leave(Member member, String reason) {
        if (members.remove(member.channel) == null) {
            return;
        }
        loops.get(member.channel.eventLoop()).members.remove(member);
        String nick = member.nick();
        if (nick != null) {
            nicks.remove(nick.toLowerCase(Locale.ROOT), member);
        }
        String why = reason == null || reason.isEmpty() ? "" : " (" + TextSafety.escape(reason) + ")";
        String label = member.label();
        int here = members.size();
        leaveLogs.execute(() -> logger.info("{} left{} ({} here)", label, why, here));
        notice("* " + member.label() + " left" + why, null);
    }

    /**
     * Gives {@code member} the nick {@code nick}.
     *
     * @return {@code null} if it took, or why not, in a few words for the client
     */
    public String rename(Member member, String nick) {
        String problem = checkNick(nick);
        if (problem != null) {
            return problem;
        }
        String key = nick.toLowerCase(Locale.ROOT);
        Member holder = nicks.putIfAbsent(key, member);
        if (holder != null && holder != member) {
            return "the nick " + nick + " is taken";
        }
        String before = member.label();
        String old = member.nick();
        if (old != null && !old.toLowerCase(Locale.ROOT).equals(key)) {
            nicks.remove(old.toLowerCase(Locale.ROOT), member);
        }
        member.nick(nick);
        logger.info("{} is now {}", before, member.label());
        notice("* " + before + " is now " + nick, member);
        return null;
    }

    /** The member whose nick is {@code nick} (ignoring case), or {@code null}. */
    public Member byNick(String nick) {
        return nicks.get(nick.toLowerCase(Locale.ROOT));
    }

    /** Counts a line a member sent as a command, not as a message. */
    public void commandTaken() {
        stats.commandReceived();
    }

    /** The labels of everyone in the room, sorted. */
    public List<String> who() {
        List<String> labels = new ArrayList<>(members.size());
        for (Member member : members.values()) {
            labels.add(member.label());
        }
        labels.sort(Comparator.naturalOrder());
        return labels;
    }

    /** Relays a message the sink has accepted to everyone but its sender; from any thread. */
    public void relay(ChatMessage message, Member sender, InetSocketAddress udpSender) {
        ByteBuf line = encode(message);
        try {
            // UDP first: its task is queued before any TCP receiver can see the line and answer it, so that
            // an answer never reaches a UDP source ahead of what it answers.
            if (udpSources != null) {
                relayOverUdp(line, udpSender);
            }
            fanOut(line, sender, true);
        } finally {
            line.release();
        }
    }

    /** Sends a line from the server itself (presence) to every client but {@code except}. */
    void notice(String text, Member except) {
        ByteBuf line = ByteBufAllocator.DEFAULT.buffer(text.length() + 1);
        ByteBufUtil.writeUtf8(line, text);
        line.writeByte('\n');
        try {
            fanOut(line, except, false);
        } finally {
            line.release();
        }
    }

    private void fanOut(ByteBuf line, Member except, boolean counted) {
        // Every loop that ever had a member gets the task: its member list may be read only on that loop.
        for (LoopShare share : loops.values()) {
            ByteBuf shared = line.retainedDuplicate();
            if (share.loop.inEventLoop()) {
                share.deliver(shared, except, counted);
                continue;
            }
            try {
                share.loop.execute(() -> share.deliver(shared, except, counted));
            } catch (RejectedExecutionException shuttingDown) {
                shared.release();
            }
        }
    }

    private void relayOverUdp(ByteBuf line, InetSocketAddress udpSender) {
        Channel channel = udpChannel;
        if (channel == null) {
            return;
        }
        List<InetSocketAddress> targets = udpSources.current(udpSender);
        if (targets.isEmpty()) {
            return;
        }
        // One datagram is one line, newline included, so that nc -u shows each relay on a line of its own.
        ByteBuf payload = line.retainedDuplicate();
        Runnable send = () -> {
            try {
                for (InetSocketAddress target : targets) {
                    if (channel.isWritable()) {
                        channel.write(new DatagramPacket(payload.retainedDuplicate(), target), channel.voidPromise());
                        stats.relaySent();
                    } else {
                        stats.relayDropped();
                    }
                }
                channel.flush();
            } finally {
                payload.release();
            }
        };
        try {
            channel.eventLoop().execute(send);
        } catch (RejectedExecutionException shuttingDown) {
            payload.release();
        }
    }

    /**
     * {@code sender : text} and a newline, the text made safe for the receivers' terminals; an action is
     * {@code * sender text}.
     */
    static ByteBuf encode(ChatMessage message) {
        String text = TextSafety.escape(message.text());
        ByteBuf line = ByteBufAllocator.DEFAULT.buffer(message.ip().length() + text.length() + 32);
        if (message.action()) {
            line.writeByte('*').writeByte(' ');
        }
        if (message.nick() != null) {
            ByteBufUtil.writeUtf8(line, message.nick());
            line.writeByte('@');
        }
        ByteBufUtil.writeAscii(line, message.ip());
        if (message.action()) {
            line.writeByte(' ');
        } else {
            line.writeByte(' ').writeByte(':').writeByte(' ');
        }
        ByteBufUtil.writeUtf8(line, text);
        line.writeByte('\n');
        return line;
    }

    /** Why {@code nick} cannot be a nick, or {@code null} if it can. */
    static String checkNick(String nick) {
        if (nick.isEmpty()) {
            return "a nick needs at least one character";
        }
        if (nick.length() > MAX_NICK_LENGTH) {
            return "a nick has at most " + MAX_NICK_LENGTH + " characters";
        }
        if (!isAsciiLetter(nick.charAt(0))) {
            return "a nick starts with a letter";
        }
        for (int i = 1; i < nick.length(); i++) {
            char c = nick.charAt(i);
            if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && "_-.[]^".indexOf(c) < 0) {
                return "a nick has only letters, digits and _ - . [ ] ^";
            }
        }
        if (nick.equalsIgnoreCase(ChatMessage.CONSOLE_IP)) {
            return "the nick " + nick + " is reserved";
        }
        return null;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** The room's members on one event loop, touched only on that loop. */
    private final class LoopShare {

        final EventExecutor loop;
        final List<Member> members = new ArrayList<>();
        private final List<Member> toFlush = new ArrayList<>();
        private boolean flushQueued;

        LoopShare(EventExecutor loop) {
            this.loop = loop;
        }

        /** Writes {@code line} (released here) to every member but {@code except}; relays are counted, notices not. */
        void deliver(ByteBuf line, Member except, boolean counted) {
            try {
                for (int i = 0; i < members.size(); i++) {
                    Member member = members.get(i);
                    if (member == except || !member.channel.isActive()) {
                        continue;
                    }
                    if (member.offer(line)) {
                        if (counted) {
                            stats.relaySent();
                        }
                        if (!member.dirty) {
                            member.dirty = true;
                            toFlush.add(member);
                        }
                    } else if (counted) {
                        stats.relayDropped();
                    }
                }
            } finally {
                line.release();
            }
            if (!flushQueued && !toFlush.isEmpty()) {
                flushQueued = true;
                // Runs after the relays already queued on this loop: one flush for all of them.
                loop.execute(this::flush);
            }
        }

        private void flush() {
            flushQueued = false;
            for (int i = 0; i < toFlush.size(); i++) {
                Member member = toFlush.get(i);
                member.dirty = false;
                member.channel.flush();
            }
            toFlush.clear();
        }
    }
}
