package org.dualchat.netty.room;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.Protocol;
import org.dualchat.core.TextSafety;
import org.dualchat.netty.common.RelayGate;
import org.dualchat.netty.stats.ServerStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room within this process: the TCP clients that have joined, the UDP sources that may receive
 * relays, and the fan-out of each message to all of them but its sender.
 *
 * <p>What one event loop relays in one round (all the lines it read from its clients, the UDP lines)
 * is encoded once into one {@link RelayBatch}; at the end of the round the batch goes as one task to
 * each event loop that has members, which writes it to each of its members with one write and one
 * flush. A sender's lines all come from its own loop, whose tasks run in order on each loop, so every
 * receiver gets them in the order sent. With no other member and no UDP receiver, a relay costs a
 * counter read and nothing else; while every other member is blocked (over its buffer, its socket full), a
 * relay is held unencoded for the round and then counted as missed by each ({@link BlockedMembers}), rather
 * than encoded and handed to loops that would each drop it.
 *
 * <p>Memory is bounded twice: a client whose outbound buffer is over its limit (in a crowded room, its share
 * of the budget: {@link MemberBuffers}) misses relays (counted, and told once it reads again); and every
 * batch counts against one {@link RelayBudget} until the last receiver has written it out. While the
 * budget is spent, TCP senders wait (their lines held, their reads paused), UDP lines are printed but not
 * relayed (counted), and members that read nothing for a few seconds are cut off: the room waits on them.
 *
 * <p>Presence: up to {@link #DEFAULT_PRESENCE_THRESHOLD} members each join, leave and nick change is
 * told to the others at once. In a larger room, joins and leaves are told in one summary line every
 * {@link #DEFAULT_PRESENCE_INTERVAL}, so that a crowd connecting costs work in proportion to the
 * crowd, not to its square.
 */
public final class LocalRoom implements ChatRoom {

    private static final Logger logger = LoggerFactory.getLogger(LocalRoom.class);

    /** The room size above which joins and leaves are told in summary. */
    public static final int DEFAULT_PRESENCE_THRESHOLD = 100;
    /** How often a large room is told who joined and left. */
    public static final Duration DEFAULT_PRESENCE_INTERVAL = Duration.ofSeconds(5);

    final ServerStats stats;
    /** Batches delivered on event loops, and member flushes: what the batching saves, for tests. */
    final LongAdder deliveries = new LongAdder();
    final LongAdder flushes = new LongAdder();
    final LongAdder noticesWritten = new LongAdder();
    /** Tasks that carried private lines ({@code /msg}) to an event loop: one per loop per round, for tests. */
    final LongAdder privateDeliveries = new LongAdder();
    private final RelayBudget budget;
    private final UdpRelay udpRelay;
    private final RecentSources udpSources;
    private final PresenceSummary presence;
    private final History history;
    private final MemberBuffers buffers;
    final Map<EventExecutor, LoopShare> loops = new ConcurrentHashMap<>();
    private final Map<Channel, Member> members = new ConcurrentHashMap<>();
    private final Nicks nicks = new Nicks();
    private final AtomicInteger memberCount = new AtomicInteger();
    final BlockedMembers blocked;
    private final StuckMembers stuck;
    private volatile Channel udpChannel;
    private volatile LoopShare udpShare; // its loop's, found once rather than for every datagram
    private volatile Executor leaveLogs = Runnable::run;

    /**
     * @param budget the most relay bytes that may wait at once
     * @param udpSources the UDP sources to relay to, or {@code null} to relay to TCP clients only
     */
    public LocalRoom(ServerStats stats, long budget, RecentSources udpSources) {
        this(stats, budget, udpSources, 0);
    }

    /** @param history how many of the last messages a joiner is shown; 0 for none */
    public LocalRoom(ServerStats stats, long budget, RecentSources udpSources, int history) {
        this(stats, budget, udpSources, history, RelayOptions.builder().build());
    }

    /** @param relay the client buffer, and whether it shrinks to a share of the budget (see {@link MemberBuffers}) */
    public LocalRoom(ServerStats stats, long budget, RecentSources udpSources, int history, RelayOptions relay) {
        this.budget = new RelayBudget(budget);
        this.buffers = new MemberBuffers(relay.clientBuffer(), this.budget, !relay.clientBufferSet());
        this.history = History.of(history);
        this.stats = stats;
        this.udpRelay = new UdpRelay(stats, this.budget);
        this.udpSources = udpSources;
        this.stuck = new StuckMembers(this.budget, loops.values());
        this.blocked = new BlockedMembers(memberCount, this.history, stats);
        this.presence = new PresenceSummary(DEFAULT_PRESENCE_THRESHOLD, DEFAULT_PRESENCE_INTERVAL, memberCount::get);
    }

    @Override
    public RelayGate gate() {
        return stuck; // open while the budget is; a sender waiting starts the checks for stuck members
    }

    /** Batches delivered on event loops so far (one task per loop per batch); for tests. */
    public long deliveries() {
        return deliveries.sum();
    }

    /** Flushes of members' channels for relays and notices so far (one per member per batch); for tests. */
    public long flushes() {
        return flushes.sum();
    }

    /** Notice lines written to members so far, presence summaries included; for tests. */
    public long noticesWritten() {
        return noticesWritten.sum();
    }

    /** Tasks that carried private lines to event loops so far (one per receiving loop per round); for tests. */
    public long privateDeliveries() {
        return privateDeliveries.sum();
    }

    /** How many of the last messages a joiner is shown (0: none); a shared room fills them as it starts. */
    public int historySize() {
        return history == null ? 0 : history.capacity();
    }

    /** The relay budget, for metrics and tests. */
    public RelayBudget budget() {
        return budget;
    }

    @Override
    public void udpChannel(Channel channel) {
        this.udpShare = channel == null ? null : loops.computeIfAbsent(channel.eventLoop(), this::newShare);
        this.udpChannel = channel;
    }

    @Override
    public RecentSources udpSources() {
        return udpSources;
    }

    @Override
    public int size() {
        return memberCount.get();
    }

    @Override
    public Member join(Channel channel) {
        Member member = new Member(channel);
        blocked.joined(); // before anyone could skip a line it should have: see BlockedMembers
        LoopShare share = loops.computeIfAbsent(channel.eventLoop(), this::newShare);
        member.share = share;
        members.put(channel, member);
        share.add(member);
        int size = memberCount.incrementAndGet();
        buffers.sized(member, size, members.values());
        if (history != null) {
            // After it is counted and among its loop's members: see History.
            member.history(history.snapshot());
        }
        if (presence.joined(share, size)) { // in the next summary, the log's too: see PresenceSummary
            logger.debug("{} joined ({} here)", member.label(), size);
        } else {
            logger.info("{} joined ({} here)", member.label(), size);
            notice("* " + member.label() + " joined", member);
        }
        return member;
    }

    @Override
    public void leave(Member member, String reason) {
        if (members.remove(member.channel) == null) {
            return;
        }
        member.share.remove(member);
        blocked.left(member);
        member.left = true; // on its loop, as its blocked state is
        int size = memberCount.decrementAndGet();
        buffers.sized(null, size, members.values());
        nicks.release(member);
        String why = reason == null || reason.isEmpty() ? "" : " (" + TextSafety.escape(reason) + ")";
        String label = member.label();
        if (!presence.left(member.share, size)) {
            leaveLogs.execute(() -> logger.info("{} left{} ({} here)", label, why, size));
            notice("* " + member.label() + " left" + why, member);
        } else if (logger.isDebugEnabled()) { // in the next summary, as for joins
            leaveLogs.execute(() -> logger.debug("{} left{} ({} here)", label, why, size));
        }
    }

    @Override
    public String rename(Member member, String nick) {
        String before = member.label();
        String problem = nicks.claim(member, nick);
        if (problem != null) {
            return problem;
        }
        logger.info("{} is now {}", before, member.label());
        notice("* " + before + " is now " + nick, member);
        return null;
    }

    @Override
    public List<String> who() {
        return members.values().stream().map(Member::label).sorted().toList();
    }

    /** Above the presence threshold, the count alone: listing and sorting the room for each join would cost its square. */
    @Override
    public String joinLine(Member member) {
        int size = memberCount.get();
        return presence.isLarge(size) ? ChatCommands.crowdLine(size - 1) : ChatCommands.joinLine(who(), member.label());
    }

    @Override
    public Member byNick(String nick) {
        return nicks.holder(nick);
    }

    @Override
    public void commandTaken() {
        stats.commandReceived();
    }

    @Override
    public void logLeavesThrough(Executor executor) {
        this.leaveLogs = executor;
    }

    @Override
    public void relay(ChatMessage message, Member sender, InetSocketAddress udpSender) {
        relay(message, sender, udpSender, null);
    }

    @Override
    public int relayAll(List<ChatMessage> messages, int count, Member sender) {
        int most = sender != null ? 1 : 0;
        if (memberCount.get() > most || !udpTargets(null).isEmpty()) {
            return 0;
        }
        // Kept for the history as rememberAlone() keeps a line said alone, under the history's lock once.
        boolean kept = history == null || nothingPendingFor(sender) && history.appendIf(memberCount, most, messages, count);
        return kept ? count : 0;
    }

    /** As {@link #relay}, adding to {@code run} (a {@link RelayRun}'s) rather than to the loop's outbox, if given. */
    void relay(ChatMessage message, Member sender, InetSocketAddress udpSender, Outbox run) {
        List<InetSocketAddress> udpTargets = udpTargets(udpSender);
        boolean others = memberCount.get() > (sender != null ? 1 : 0);
        if (!others && history != null && !rememberAlone(message, sender, run)) {
            others = true; // someone joined meanwhile
        }
        if (!others && udpTargets.isEmpty()) {
            return;
        }
        if (message.protocol() == Protocol.UDP && !budget.isOpen()) {
            // A UDP sender cannot be slowed down: its line is printed, but not relayed.
            stats.relayShed();
            return;
        }
        // Made safe for terminals as it is encoded (Outbox.add), for TCP and UDP receivers alike.
        String text = message.text();
        // UDP first: its task is queued before any TCP receiver can see the line and answer it, so that
        // an answer never reaches a UDP source ahead of what it answers.
        String nick = message.nick();
        String ip = message.ip();
        if (message.action()) {
            text = ChatCommands.actionLine(message);
            nick = null;
            ip = null;
        }
        if (!udpTargets.isEmpty()) {
            udpRelay.send(udpChannel, nick, ip, text, udpTargets);
        }
        if (others && run != null) {
            run.add(nick, ip, text, sender, true);
            if (history != null) {
                run.remember(message, history.capacity());
            }
        } else if (others) {
            add(nick, ip, text, sender, message);
        }
    }

    /** The recent UDP sources to relay to but {@code except}; none without UDP relays. */
    private List<InetSocketAddress> udpTargets(InetSocketAddress except) {
        return udpSources == null || udpChannel == null ? List.of() : udpSources.current(except);
    }

    /** Keeps a message nobody hears for the history, unencoded; {@code false}: relay it (see History). */
    private boolean rememberAlone(ChatMessage message, Member sender, Outbox run) {
        return (run == null ? nothingPendingFor(sender) : run.isEmpty())
                && history.appendIf(memberCount, sender != null ? 1 : 0, message);
    }

    /** Whether the sender's loop holds none of this round's lines yet, which a line said alone must not overtake. */
    private boolean nothingPendingFor(Member sender) {
        LoopShare here = shareOfThisThread(sender);
        return here == null || here.outbox.isEmpty() && !here.hasDeferred();
    }

    /** Sends a line from the server itself (presence) to every client but {@code except}. */
    void notice(String text, Member except) {
        boolean exceptIsHere = except != null && members.containsKey(except.channel);
        if (memberCount.get() > (exceptIsHere ? 1 : 0)) {
            add(null, null, text, except, null);
        }
    }

    /** Adds a line to this thread's batch: a relay of {@code message}, or a notice if it is {@code null}. */
    private void add(String nick, String ip, String text, Member sender, ChatMessage message) {
        LoopShare here = shareOfThisThread(sender);
        if (here == null) {
            // Off the event loops (the console) or on a loop without a share: a batch of one line.
            Outbox single = new Outbox(budget);
            single.add(nick, ip, text, sender, message != null);
            if (message != null && history != null) {
                single.remember(message, history.capacity());
            }
            fanOut(single.take());
            return;
        }
        if (message != null && blocked.nobodyElseCanTake(sender) && here.defer(message, sender)) {
            return; // see BlockedMembers.skip
        }
        // After this round's private lines, so that each receiver gets a sender's lines in order.
        here.relay(nick, ip, text, sender, message != null);
        if (message != null && history != null) {
            here.outbox.remember(message, history.capacity());
        }
    }

    /**
     * Sends {@code text} to {@code to} alone; from any thread. On an event loop it goes with the other
     * private lines of the loop's round, one task per receiving loop; either way it is charged to the relay
     * budget until written.
     *
     * @return whether it was sent: not if {@code to} has gone, or the relay budget is spent
     */
    boolean tell(Member to, String text) {
        if (!to.channel.isActive() || !members.containsKey(to.channel) || !budget.isOpen()) {
            return false;
        }
        for (LoopShare here : loops.values()) {
            if (here.loop.inEventLoop()) {
                here.tell(to, text);
                return true;
            }
        }
        return Privates.sendOne(budget, to, text); // off the event loops (the console)
    }

    private LoopShare shareOfThisThread(Member sender) {
        if (sender != null && sender.share.loop.inEventLoop()) {
            return sender.share;
        }
        LoopShare udp = udpShare;
        return sender == null && udp != null && udp.loop.inEventLoop() ? udp : null;
    }

    private LoopShare newShare(EventExecutor loop) {
        return new LoopShare(loop, this, budget);
    }

    /** Hands {@code batch} to every loop with members: one task each; releases the caller's reference. */
    void fanOut(RelayBatch batch) {
        if (history != null) {
            // Numbered before any loop's members are looked at: see History.
            batch.historyBatch = history.append(batch.remembered);
        }
        try {
            for (LoopShare share : loops.values()) {
                if (share.size() == 0) {
                    continue;
                }
                RelayBatch ref = batch.retain();
                if (share.loop.inEventLoop()) {
                    share.deliver(ref);
                    continue;
                }
                try {
                    share.loop.execute(() -> share.deliver(ref));
                } catch (RejectedExecutionException shuttingDown) {
                    ref.release();
                }
            }
        } finally {
            batch.release();
        }
    }
}
