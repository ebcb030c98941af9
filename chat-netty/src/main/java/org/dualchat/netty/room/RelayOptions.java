package org.dualchat.netty.room;

import java.time.Duration;
import org.dualchat.netty.common.Checks;

/**
 * Whether and to whom a server relays what it receives: to the TCP clients (the room), to recent UDP sources
 * too, and how much may wait for one slow client. Immutable; made by {@link #builder()}.
 */
public final class RelayOptions {

    /** How long a UDP source keeps receiving relays after it last sent, in minutes, with UDP relay on. */
    public static final int DEFAULT_UDP_RELAY_WINDOW_MINUTES = 5;
    /** {@link #DEFAULT_UDP_RELAY_WINDOW_MINUTES} as a duration. */
    public static final Duration DEFAULT_UDP_RELAY_WINDOW = Duration.ofMinutes(DEFAULT_UDP_RELAY_WINDOW_MINUTES);
    /** The shortest UDP relay window. */
    public static final Duration MIN_UDP_RELAY_WINDOW = Duration.ofMinutes(1);
    /** The longest UDP relay window. */
    public static final Duration MAX_UDP_RELAY_WINDOW = Duration.ofDays(1);
    /**
     * How many bytes of relays may wait for one slow TCP client before it misses relays: the high water
     * mark of its outbound buffer (the low one is half of it).
     */
    public static final int DEFAULT_CLIENT_BUFFER = 256 * 1024;
    /** The smallest a default client buffer shrinks to in a crowded room (see {@link #clientBufferSet}). */
    public static final int MIN_SHARED_CLIENT_BUFFER = 16 * 1024;
    /** The smallest client buffer taken. */
    public static final int MIN_CLIENT_BUFFER = 1024;

    /** The smallest {@link Builder#relayBudget}: a few maximal lines. */
    public static final long MIN_RELAY_BUDGET = 256 * 1024;

    /** How many of the room's last messages a joiner is shown, by default. */
    public static final int DEFAULT_HISTORY = 20;
    /** The most messages a joiner may be shown: with each cut to 1,000 characters, a few MiB at most. */
    public static final int MAX_HISTORY = 1000;

    private static final RelayOptions DEFAULTS = builder().build();

    private final boolean relay;
    private final boolean udpRelay;
    private final Duration udpRelayWindow;
    private final int clientBuffer;
    private final boolean clientBufferSet;
    private final long relayBudget;
    private final int history;
    private final RoomFactory roomFactory;

    private RelayOptions(Builder b) {
        this.relay = b.relay;
        this.udpRelay = b.udpRelay;
        this.udpRelayWindow = b.udpRelayWindow;
        this.clientBuffer = b.clientBuffer;
        this.clientBufferSet = b.clientBufferSet;
        this.history = b.history;
        this.roomFactory = b.roomFactory;
        this.relayBudget = b.relayBudget != 0 ? b.relayBudget : defaultRelayBudget(Runtime.getRuntime().maxMemory());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Relay to TCP clients, not to UDP sources. */
    public static RelayOptions defaults() {
        return DEFAULTS;
    }

    /** A builder that starts from these options. */
    public Builder mutate() {
        Builder b = new Builder().relay(relay).udpRelay(udpRelay).udpRelayWindow(udpRelayWindow)
                .relayBudget(relayBudget).history(history).roomFactory(roomFactory);
        return clientBufferSet ? b.clientBuffer(clientBuffer) : b;
    }

    /** Whether messages are relayed to the TCP clients, with presence notices and commands; else receive-only. */
    public boolean relay() {
        return relay;
    }

    /** Whether UDP sources that sent recently receive relays as datagrams. */
    public boolean udpRelay() {
        return udpRelay;
    }

    /** How long after its last datagram a UDP source still receives relays. */
    public Duration udpRelayWindow() {
        return udpRelayWindow;
    }

    /** The most bytes of relays waiting for one TCP client before it misses relays. */
    public int clientBuffer() {
        return clientBuffer;
    }

    /**
     * Whether {@link #clientBuffer} was given rather than left at its default: a default one shrinks to each
     * member's share of the relay budget in a room too large for all to hold it (see {@code MemberBuffers}).
     */
    public boolean clientBufferSet() {
        return clientBufferSet;
    }

    /**
     * The most bytes of relays waiting anywhere in the room at once (queued for event loops and in clients'
     * outbound buffers, a batch shared by many clients counted once). When it is spent, TCP senders are
     * paused and UDP lines are printed but not relayed.
     */
    public long relayBudget() {
        return relayBudget;
    }

    /** What makes the room from the in-process one: {@link RoomFactory#LOCAL} unless the room is shared. */
    public RoomFactory roomFactory() {
        return roomFactory;
    }

    /**
     * How many of the room's last messages a TCP or browser client is shown as it joins, marked as history,
     * before the live ones; 0 for none.
     */
    public int history() {
        return history;
    }

    /**
     * The relay budget when none is set: a sixteenth of the largest heap, between 1 MiB and 16 MiB. Relays
     * live in direct memory, which the JVM caps at the heap's size by default; a few MiB keep a busy room
     * flowing, more only lets a burst wait longer.
     */
    public static long defaultRelayBudget(long maxHeap) {
        return Math.max(1L << 20, Math.min(16L << 20, maxHeap / 16));
    }

    /** Builds {@link RelayOptions}, checking each value as it is set. */
    public static final class Builder {

        private boolean relay = true;
        private boolean udpRelay;
        private Duration udpRelayWindow = DEFAULT_UDP_RELAY_WINDOW;
        private int clientBuffer = DEFAULT_CLIENT_BUFFER;
        private boolean clientBufferSet;
        private long relayBudget;
        private int history = DEFAULT_HISTORY;
        private RoomFactory roomFactory = RoomFactory.LOCAL;

        private Builder() {}

        /** Relay each message to the other TCP clients (the default); {@code false} for receive-only. */
        public Builder relay(boolean relay) {
            this.relay = relay;
            return this;
        }

        /**
         * Relay to UDP sources too. Off by default: answering unverified source addresses would let
         * spoofed datagrams turn the server into an amplifier.
         */
        public Builder udpRelay(boolean udpRelay) {
            this.udpRelay = udpRelay;
            return this;
        }

        /** How long after its last datagram a UDP source still receives relays. */
        public Builder udpRelayWindow(Duration udpRelayWindow) {
            this.udpRelayWindow = Checks.range(
                    "udpRelayWindow", udpRelayWindow, MIN_UDP_RELAY_WINDOW, MAX_UDP_RELAY_WINDOW);
            return this;
        }

        /** The most bytes of relays waiting for one TCP client before it misses relays. */
        public Builder clientBuffer(int clientBuffer) {
            this.clientBuffer = Checks.atLeast("clientBuffer", clientBuffer, MIN_CLIENT_BUFFER);
            this.clientBufferSet = true;
            return this;
        }

        /**
         * The most bytes of relays waiting anywhere in the room at once; 0 (the default) for a sixteenth of
         * the heap, between 1 MiB and 16 MiB.
         */
        public Builder relayBudget(long relayBudget) {
            this.relayBudget = Checks.zeroOrAtLeast("relayBudget", relayBudget, MIN_RELAY_BUDGET, "the default");
            return this;
        }

        /** How many of the room's last messages a joiner is shown, 0-{@value #MAX_HISTORY}; 0 for none. */
        public Builder history(int history) {
            this.history = Checks.range("history", history, 0, MAX_HISTORY);
            return this;
        }

        /** Makes the room from the in-process one; {@link RoomFactory#LOCAL} (the default) keeps it. */
        public Builder roomFactory(RoomFactory roomFactory) {
            this.roomFactory = java.util.Objects.requireNonNull(roomFactory, "roomFactory");
            return this;
        }

        public RelayOptions build() {
            return new RelayOptions(this);
        }
    }
}
