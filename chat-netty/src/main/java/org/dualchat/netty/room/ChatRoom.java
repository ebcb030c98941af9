package org.dualchat.netty.room;

import io.netty.channel.Channel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.dualchat.core.ChatMessage;
import org.dualchat.netty.common.RelayGate;

/**
 * The chat room as the pipelines see it: TCP clients join and leave, take nicks, and every message the
 * sink accepts is relayed to the others. {@link LocalRoom} fans out within this process; a room shared
 * by several nodes implements the same interface, so the pipelines, the console and the UDP handler do
 * not change.
 *
 * <p>Relays to a member are written to its channel as {@code ByteBuf}s of whole {@code sender : text\n}
 * lines, possibly several lines per buffer: a channel that is not a plain socket (a WebSocket) turns
 * each line into a frame of its own.
 */
public interface ChatRoom {

    /** Adds a client; called on its event loop. The others are told (or, in a large room, told in summary). */
    Member join(Channel channel);

    /** Removes a client, with its reason if it gave one; called on its event loop. */
    void leave(Member member, String reason);

    /**
     * Gives {@code member} the nick {@code nick}.
     *
     * @return {@code null} if it took, or why not, in a few words for the client
     */
    String rename(Member member, String nick);

    /**
     * As {@link #rename}, for a room that must ask elsewhere (a nick unique across nodes): completes, on any
     * thread, with {@code null} if it took or why not; never blocks the caller. The local room answers at once.
     */
    default CompletionStage<String> renameAsync(Member member, String nick) {
        return CompletableFuture.completedFuture(rename(member, nick));
    }

    /** The labels of everyone in the room, sorted. */
    List<String> who();

    /**
     * The line a joiner gets after the greeting: who else is here, and {@code /help}. A room may say only
     * how many are here when it is large, so that a crowd joining costs no work in proportion to the room
     * for each join.
     */
    default String joinLine(Member member) {
        return ChatCommands.joinLine(who(), member.label());
    }

    /** The member whose nick is {@code nick} (ignoring case), or {@code null}. */
    Member byNick(String nick);

    /**
     * Sends {@code line} to the member called {@code nick} alone, when no member of this process is called so
     * ({@code /msg} to a member of another node of a shared room). Never blocks the caller. Completes, on any
     * thread, with the receiver's label once the line is on its way; with {@code null} if no one in the room is
     * called {@code nick}; with a {@link java.util.concurrent.RejectedExecutionException} if the room is too
     * busy to take it now (as a local private line is refused while the relay budget is spent); with another
     * error if the room cannot be reached. The in-process room has no one elsewhere: {@code null} at once.
     */
    default CompletionStage<String> tellElsewhere(String nick, String line) {
        return CompletableFuture.completedFuture(null);
    }

    /** Counts a line a member sent as a command, not as a message. */
    void commandTaken();

    /**
     * Where the log line of a leave runs: through the sink's {@code afterPrinted}, so that on a terminal a
     * client's leave is not logged before its last message is printed.
     */
    void logLeavesThrough(Executor executor);

    /** How many TCP clients are in the room. */
    int size();

    /**
     * Relays a message the sink has accepted to everyone but its sender; from any thread. Relays from
     * one sender reach every receiver in the order they were relayed.
     *
     * @param sender the member that sent it, or {@code null} (UDP, console)
     * @param udpSender the UDP source that sent it, or {@code null}
     */
    void relay(ChatMessage message, Member sender, InetSocketAddress udpSender);

    /**
     * Relays the first {@code count} of {@code messages} at once, as {@link #relay} would one by one, if nobody
     * else can hear them (a room of one); on {@code sender}'s event loop. Nothing is then done for each line but
     * keeping the last few for the history. The messages are all {@code sender}'s and none is an action.
     *
     * @return how many it took from the start: {@code count}, or 0 if each is to be {@link #relay}ed
     */
    default int relayAll(List<ChatMessage> messages, int count, Member sender) {
        return 0;
    }

    /**
     * Whether TCP senders may hand the room more now: closed while the relay budget is spent, when
     * senders wait (their lines held and their reads paused) rather than grow memory.
     */
    RelayGate gate();

    /** The channel UDP relays are sent from; set once it is bound. */
    void udpChannel(Channel channel);

    /** The UDP sources that may receive relays, or {@code null} if UDP relay is off. */
    RecentSources udpSources();

    /**
     * Starts what the room needs beyond this process (a connection to the shared room), before the server
     * listens; the in-process room needs nothing.
     *
     * @throws IOException if the room cannot be joined, with a message for the user
     */
    default void start() throws IOException {}

    /**
     * Stops it, after the server's clients have sent their last lines and before the sink closes: a shared
     * room hands on what it still holds, within a bounded wait. Idempotent.
     */
    default void close() {}
}
