package io.perfplan.core.load;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The part of a load test one event loop runs: its share of the arrivals (open model) or of the
 * connections (closed model), its connections, its queue of requests waiting for a connection, and
 * its own {@link LoadStats} for the current second. Every method runs on {@link #loop} except the
 * constructor; the runner reaches it only through tasks submitted to that loop.
 */
final class LoopWorker {

    /** What every worker of one run shares (read-only). */
    static final class RunContext {
        final InetSocketAddress address;
        final String host;
        final SslContext ssl;
        final Transport transport;
        final byte[][] encoded;
        final boolean[] head;
        final int[] cumulativeWeights;
        final List<ResponseCheck> checks;
        final boolean needsBody;
        final boolean needsHeaders;
        final long timeoutNanos;
        /** Set by the runner once connections are pre-opened, before any worker starts (published by the task queue). */
        long startNanos;
        long measureStartNanos;
        private final long warmupNanos;
        final ArrivalSchedule schedule;
        final LoadModel.Open open;
        final long thinkNanos;
        final CountDownLatch finished;

        RunContext(LoadTest test, InetSocketAddress address, SslContext ssl, Transport transport, ArrivalSchedule schedule,
                   int workers) {
            this.address = address;
            this.host = test.requests().get(0).url().getHost();
            this.ssl = ssl;
            this.transport = transport;
            int n = test.requests().size();
            encoded = new byte[n][];
            head = new boolean[n];
            cumulativeWeights = new int[n];
            int sum = 0;
            for (int i = 0; i < n; i++) {
                RequestTemplate r = test.requests().get(i);
                encoded[i] = r.encode();
                head[i] = r.method().equals("HEAD");
                sum += r.weight();
                cumulativeWeights[i] = sum;
            }
            checks = test.checks();
            needsBody = checks.stream().anyMatch(ResponseCheck::needsBody);
            needsHeaders = checks.stream().anyMatch(c -> c instanceof ResponseCheck.Header);
            timeoutNanos = test.timeout().toNanos();
            this.warmupNanos = test.warmup().toNanos();
            this.schedule = schedule;
            this.open = test.model() instanceof LoadModel.Open o ? o : null;
            this.thinkNanos = test.model() instanceof LoadModel.Closed c ? c.think().toNanos() : 0;
            this.finished = new CountDownLatch(workers);
        }

        void startAt(long nanos) {
            startNanos = nanos;
            measureStartNanos = nanos + warmupNanos;
        }
    }

    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long RECONNECT_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int MAX_QUEUED = 1 << 18;

    final RunContext ctx;
    final EventLoop loop;
    private final Bootstrap bootstrap;
    private final int connectionSlots;
    private final SplittableRandom random;
    private final ArrivalSchedule.Cursor arrivals;
    private final Runnable dispatchTask = this::dispatch;
    private final Runnable sweepTask = this::sweep;

    LoadStats current = new LoadStats();
    /** This loop's copy of the encoded requests, from which each connection takes its own. */
    private final ByteBuf[] encoded;
    private long quota;
    private boolean stopping;
    private boolean issuingOver;
    private boolean finishedSignalled;
    private long nextArrivalNanos;
    private ScheduledFuture<?> dispatchFuture;
    private ScheduledFuture<?> sweepFuture;

    private final List<HttpConnection> connections = new ArrayList<>();
    private final ArrayDeque<HttpConnection> idle = new ArrayDeque<>();
    private int connecting;
    private int inFlight;

    // requests waiting for a connection: intended times (ascending) and templates, in a ring
    private long[] queuedIntended = new long[1024];
    private int[] queuedTemplate = new int[1024];
    private int queueHead;
    private int queueSize;

    long firstSendNanos;
    long lastSendNanos;
    long measuredSends;

    LoopWorker(RunContext ctx, EventLoop loop, int lane, int lanes, int connectionSlots, long quota) {
        this.ctx = ctx;
        this.loop = loop;
        this.connectionSlots = connectionSlots;
        this.quota = quota;
        this.random = new SplittableRandom(0x5EEDL * 31 + lane);
        this.encoded = new ByteBuf[ctx.encoded.length];
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = Unpooled.directBuffer(ctx.encoded[i].length).writeBytes(ctx.encoded[i]);
        }
        this.arrivals = ctx.open == null ? null
                : ctx.schedule.cursor(lane, lanes, ctx.open.poisson(), ctx.open.seed());
        this.bootstrap = new Bootstrap().group(loop).channel(ctx.transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, Math.min(Integer.MAX_VALUE, ctx.timeoutNanos / 1_000_000)))
                .handler(new ChannelDuplexHandler()); // replaced per connection in connect()

    }

    // ---------------------------------------------------------------- lifecycle

    void start() {
        sweepFuture = loop.scheduleAtFixedRate(sweepTask, SWEEP_NANOS, SWEEP_NANOS, TimeUnit.NANOSECONDS);
        if (ctx.open != null) {
            nextArrivalNanos = nextArrival();
            dispatch();
        } else {
            for (int i = 0; i < connectionSlots; i++) {
                connect();
            }
        }
    }

    /**
     * Open model: opens up to {@code n} connections before the schedule starts, so that connecting
     * (and loading the classes behind it) does not delay the first requests; counts {@code done} down
     * once per connection, connected or not. Failures here are not recorded.
     */
    void preconnect(int n, CountDownLatch done) {
        for (int i = 0; i < n; i++) {
            countWhenConnected(connect(), done);
        }
    }

    private static void countWhenConnected(HttpConnection c, CountDownLatch done) {
        if (c.connectFuture.isDone()) {
            done.countDown();
        } else {
            c.connectFuture.addListener(f -> done.countDown());
        }
    }

    /** Stops issuing requests; with {@code discardQueued} the queued ones are forgotten (abort). */
    void stop(boolean discardQueued) {
        stopping = true;
        issuingOver = true;
        if (dispatchFuture != null) {
            dispatchFuture.cancel(false);
        }
        if (discardQueued) {
            queueSize = 0;
        }
        for (HttpConnection c : new ArrayList<>(idle)) {
            c.close();
        }
        checkFinished();
    }

    /** Closes every connection (requests still in flight are not recorded) and frees the encoded requests. */
    void closeAll() {
        for (ByteBuf b : encoded) {
            if (b.refCnt() > 0) {
                b.release();
            }
        }
        stopping = true;
        issuingOver = true;
        if (sweepFuture != null) {
            sweepFuture.cancel(false);
        }
        if (dispatchFuture != null) {
            dispatchFuture.cancel(false);
        }
        queueSize = 0;
        for (HttpConnection c : new ArrayList<>(connections)) {
            c.inFlight = false;
            c.close();
        }
    }

    /** Hands the current second's stats to the runner and records into {@code replacement} from now on. */
    LoadStats swapStats(LoadStats replacement) {
        LoadStats s = current;
        current = replacement;
        return s;
    }

    // ---------------------------------------------------------------- open model

    private long nextArrival() {
        long rel = arrivals.next();
        return rel == Long.MAX_VALUE ? Long.MAX_VALUE : ctx.startNanos + rel;
    }

    private void dispatch() {
        dispatchFuture = null;
        long now = System.nanoTime();
        while (!issuingOver && nextArrivalNanos <= now) {
            boolean measured = nextArrivalNanos >= ctx.measureStartNanos;
            if (measured) {
                if (quota == 0) {
                    issuingOver = true;
                    break;
                }
                quota--;
            }
            enqueue(nextArrivalNanos, pickTemplate());
            nextArrivalNanos = nextArrival();
        }
        if (nextArrivalNanos == Long.MAX_VALUE) {
            issuingOver = true;
        }
        pump();
        if (!issuingOver) {
            dispatchFuture = loop.schedule(dispatchTask, nextArrivalNanos - now, TimeUnit.NANOSECONDS);
        }
        checkFinished();
    }

    private void enqueue(long intended, int template) {
        if (queueSize == queuedIntended.length) {
            if (queueSize == MAX_QUEUED) {
                if (intended >= ctx.measureStartNanos) {
                    current.recordDropped();
                }
                return;
            }
            long[] ti = new long[queueSize * 2];
            int[] tt = new int[queueSize * 2];
            for (int i = 0; i < queueSize; i++) {
                int j = (queueHead + i) % queuedIntended.length;
                ti[i] = queuedIntended[j];
                tt[i] = queuedTemplate[j];
            }
            queuedIntended = ti;
            queuedTemplate = tt;
            queueHead = 0;
        }
        int tail = (queueHead + queueSize) % queuedIntended.length;
        queuedIntended[tail] = intended;
        queuedTemplate[tail] = template;
        queueSize++;
    }

    /** Sends queued requests on idle connections and opens connections (up to the cap) for the rest. */
    private void pump() {
        while (queueSize > 0 && !idle.isEmpty()) {
            sendQueued(idle.pollLast());
        }
        // queued requests are part of the schedule, so they get connections even while the run drains
        int wanted = queueSize - connecting;
        while (wanted > 0 && connections.size() < connectionSlots) {
            connect();
            wanted--;
        }
    }

    private void sendQueued(HttpConnection c) {
        long intended = queuedIntended[queueHead];
        int template = queuedTemplate[queueHead];
        queueHead = (queueHead + 1) % queuedIntended.length;
        queueSize--;
        send(c, template, intended, intended >= ctx.measureStartNanos);
    }

    // ---------------------------------------------------------------- sending and connections

    private int pickTemplate() {
        int[] cw = ctx.cumulativeWeights;
        if (cw.length == 1) {
            return 0;
        }
        int r = random.nextInt(cw[cw.length - 1]);
        int i = 0;
        while (cw[i] <= r) {
            i++;
        }
        return i;
    }

    private void send(HttpConnection c, int template, long intended, boolean measured) {
        inFlight++;
        c.send(template, intended, measured, encoded[template], ctx.head[template]);
        if (measured) {
            if (measuredSends++ == 0) {
                firstSendNanos = c.sentNanos;
            }
            lastSendNanos = c.sentNanos;
            if (ctx.open != null) {
                current.recordSendLag(c.sentNanos - intended);
            }
        }
    }

    /** Closed model: the next request on this connection, now. */
    private void sendNextClosed(HttpConnection c) {
        if (issuingOver || c.channel == null || !c.channel.isActive()) {
            return;
        }
        long now = System.nanoTime();
        boolean measured = now >= ctx.measureStartNanos;
        if (measured) {
            if (quota == 0) {
                issuingOver = true;
                checkFinished();
                return;
            }
            quota--;
        }
        send(c, pickTemplate(), now, measured);
    }

    private HttpConnection connect() {
        HttpConnection c = new HttpConnection(this, ctx.ssl == null);
        connections.add(c);
        connecting++;
        Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (ctx.ssl != null) {
                    ch.pipeline().addLast(new ByteCounter(), ctx.ssl.newHandler(ch.alloc(), ctx.host, ctx.address.getPort()));
                }
                ch.pipeline().addLast(c);
            }
        });
        ChannelFuture f = b.connect(ctx.address);
        c.channel = f.channel();
        c.connectFuture = f;
        f.addListener(done -> onConnect(c, (ChannelFuture) done));
        return c;
    }

    private void reconnectClosed() {
        if (!issuingOver) {
            connect();
        }
    }

    private void onConnect(HttpConnection c, ChannelFuture f) {
        connecting--;
        if (!f.isSuccess()) {
            connections.remove(c);
            ErrorKind kind = ErrorKind.classify(f.cause());
            if (ctx.open != null) {
                if (queueSize > 0) {
                    long intended = queuedIntended[queueHead];
                    queueHead = (queueHead + 1) % queuedIntended.length;
                    queueSize--;
                    if (intended >= ctx.measureStartNanos) {
                        current.recordTransportFailure(kind);
                    }
                }
                pump();
            } else if (!issuingOver) {
                boolean measured = System.nanoTime() >= ctx.measureStartNanos;
                if (measured) {
                    if (quota == 0) {
                        issuingOver = true;
                    } else {
                        quota--;
                        current.recordTransportFailure(kind);
                    }
                }
                if (!issuingOver) {
                    loop.schedule(this::reconnectClosed, RECONNECT_DELAY_NANOS, TimeUnit.NANOSECONDS);
                }
            }
            checkFinished();
            return;
        }
        if (ctx.open != null) {
            if (queueSize > 0) {
                sendQueued(c);
            } else if (stopping) {
                c.close();
            } else {
                idle.addLast(c);
            }
        } else {
            sendNextClosed(c);
            if (issuingOver && !c.inFlight) {
                c.close();
            }
        }
        checkFinished();
    }

    // ---------------------------------------------------------------- events from connections

    void onResponse(HttpConnection c, ErrorKind failedCheck, boolean keepAlive) {
        inFlight--;
        long now = System.nanoTime();
        if (c.measured) {
            current.recordResponse(now - c.intendedNanos, now - c.sentNanos);
            if (failedCheck != null) {
                current.recordError(failedCheck);
            }
        }
        if (!keepAlive) {
            c.close(); // onClosed replaces it
        } else if (ctx.open != null) {
            if (queueSize > 0) {
                sendQueued(c);
            } else if (stopping) {
                c.close();
            } else {
                idle.addLast(c);
            }
        } else if (ctx.thinkNanos > 0 && !issuingOver) {
            loop.schedule(() -> sendNextClosed(c), ctx.thinkNanos, TimeUnit.NANOSECONDS);
        } else {
            sendNextClosed(c);
            if (issuingOver && !c.inFlight) {
                c.close();
            }
        }
        checkFinished();
    }

    void onTransportFailure(HttpConnection c, ErrorKind kind) {
        inFlight--;
        if (c.measured) {
            if (kind == ErrorKind.TIMEOUT) {
                long now = System.nanoTime();
                current.recordResponse(now - c.intendedNanos, now - c.sentNanos);
                current.recordError(kind);
            } else {
                current.recordTransportFailure(kind);
            }
        }
    }

    void onClosed(HttpConnection c) {
        connections.remove(c);
        idle.remove(c);
        if (ctx.open != null) {
            pump();
        } else if (!issuingOver) {
            connect();
        }
        checkFinished();
    }

    private void sweep() {
        long now = System.nanoTime();
        for (int i = connections.size() - 1; i >= 0; i--) {
            HttpConnection c = connections.get(i);
            if (c.inFlight && now - c.sentNanos > ctx.timeoutNanos) {
                c.fail(ErrorKind.TIMEOUT);
            }
        }
        while (queueSize > 0 && now - queuedIntended[queueHead] > ctx.timeoutNanos) {
            if (queuedIntended[queueHead] >= ctx.measureStartNanos) {
                current.recordDropped();
            }
            queueHead = (queueHead + 1) % queuedIntended.length;
            queueSize--;
        }
        checkFinished();
    }

    private void checkFinished() {
        if (!finishedSignalled && issuingOver && inFlight == 0 && queueSize == 0) {
            finishedSignalled = true;
            ctx.finished.countDown();
        }
    }

    /** Counts the bytes on the wire (below TLS) into the current second's stats. */
    private final class ByteCounter extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext c, Object msg) {
            if (msg instanceof ByteBuf b) {
                current.addBytesIn(b.readableBytes());
            }
            c.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext c, Object msg, ChannelPromise promise) {
            if (msg instanceof ByteBuf b) {
                current.addBytesOut(b.readableBytes());
            }
            c.write(msg, promise);
        }
    }
}
