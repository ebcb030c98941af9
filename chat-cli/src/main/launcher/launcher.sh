#!/bin/sh
# dualchat: a launcher in front of the jar, so that `./dualchat.jar [ARGS]` starts the JVM with options that
# suit a small, steady server. `java -jar dualchat.jar [ARGS]` still works (the JVM's defaults then: a
# larger heap and footprint). JAVA_OPTS is added after these options and wins (`JAVA_OPTS=-Xmx1g`);
# JAVA_HOME picks the java. `bench` runs with the JVM's defaults: a load generator should not be the
# bottleneck. The JIT is told not to compile the JDK's ASM Frame.execute, which only runs while lambdas are being
# made at start-up: compiling it took 8-12 MB of the JIT's memory for a few seconds after the server listened.
# Nor the JDK's DatagramChannelImpl.write, which only the UDP warm-up's sender calls (the server's own sockets
# are Netty's): its compile was the largest of start-up, and the JIT keeps its work memory for up to 5 s.
# Nor to inline Netty's channel close into its callers: a crowd leaving at once made C2 compile the close path
# into the dispatch of the clients' end-of-input events, about 19 MB of its work memory at the process's peak
# (10,000 idle clients: 4.55 KB a client at the peak with this, 5.18 without, medians of 11); a close is once a
# connection, so the call it costs is nothing. Nor Netty's making of an accepted channel, for the same reason:
# C2 compiled it into the epoll event dispatch as the crowd left (4.5 KB of its 7.6 KB of bytecode inlined):
# 3.99 KB a client at the peak with this, 4.73 without (medians of 28 and 22 fresh servers).
# -Xshare:off: the JDK's class archive is mapped at a random address and patched throughout, so all of it
# (12 MB) was resident, against a few MB of the same classes loaded from the JDK's modules; start-up took as
# long. See docs/performance.md, "Footprint".
case "$1" in
    bench) opts= ;;
    *) opts="-XX:+IgnoreUnrecognizedVMOptions -XX:+UseSerialGC -Xms8m -Xmx80m -XX:MinHeapFreeRatio=40 -XX:MaxHeapFreeRatio=60 -Xss512k -XX:ReservedCodeCacheSize=32m -XX:TrimNativeHeapInterval=2000 -XX:CompileCommand=quiet -XX:CompileCommand=exclude,jdk.internal.org.objectweb.asm.Frame::execute -XX:CompileCommand=exclude,sun.nio.ch.DatagramChannelImpl::write -XX:CompileCommand=dontinline,io.netty.channel.AbstractChannel\$AbstractUnsafe::close -XX:CompileCommand=dontinline,io.netty.channel.epoll.EpollServerSocketChannel::newChildChannel -Xshare:off" ;;
esac
# glibc gives each thread that mallocs at once an arena of its own (up to 8 per core), and the JIT's threads
# leave freed memory in theirs: two arenas kept 1 MB less resident when idle. A value already set wins.
[ "$1" = bench ] || { MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}; export MALLOC_ARENA_MAX; }
if [ -n "$JAVA_HOME" ]; then java="$JAVA_HOME/bin/java"; else java=java; fi
# shellcheck disable=SC2086
exec "$java" $opts $JAVA_OPTS -jar "$0" "$@"
exit 127
