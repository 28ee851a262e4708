package io.perfplan.core.load;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.ReferenceCountUtil;

/**
 * One keep-alive connection of a load worker, with at most one request in flight (no pipelining).
 * Runs on its worker's event loop only; it tells the worker when a request ends, fails or the
 * connection closes, and the worker decides what to send next.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter implements ResponseParser.Listener {

    private final LoopWorker worker;
    private final ResponseParser parser;
    private final boolean countBytes;
    Channel channel;
    io.netty.channel.ChannelFuture connectFuture;
    boolean inFlight;
    boolean measured;
    int template;
    long intendedNanos;
    long sentNanos;
    private byte[] body;
    private int bodyLength;
    private ByteBuf[] requests;

    /** {@code countBytes}: count wire bytes here (plain HTTP); with TLS a handler below the TLS layer counts them. */
    HttpConnection(LoopWorker worker, boolean countBytes) {
        this.worker = worker;
        this.countBytes = countBytes;
        this.parser = new ResponseParser(this, worker.ctx.needsHeaders);
    }

    /**
     * Sends a request. Each connection keeps its own copy of every request it sends and writes that
     * same buffer again once the previous write has released it (nothing is allocated per request);
     * in the rare case the last write is still pending, it writes a duplicate of the shared copy.
     */
    void send(int templateIndex, long intended, boolean measuredRequest, ByteBuf shared, boolean head) {
        template = templateIndex;
        intendedNanos = intended;
        measured = measuredRequest;
        inFlight = true;
        bodyLength = 0;
        parser.expect(head);
        ByteBuf out = ownCopy(templateIndex, shared);
        if (countBytes) {
            worker.current.addBytesOut(out.readableBytes());
        }
        sentNanos = System.nanoTime();
        channel.writeAndFlush(out, channel.voidPromise());
    }

    private ByteBuf ownCopy(int templateIndex, ByteBuf shared) {
        if (requests == null || requests.length <= templateIndex) {
            requests = requests == null ? new ByteBuf[templateIndex + 1] : java.util.Arrays.copyOf(requests, templateIndex + 1);
        }
        ByteBuf own = requests[templateIndex];
        if (own == null) {
            own = io.netty.buffer.Unpooled.directBuffer(shared.readableBytes()).writeBytes(shared, shared.readerIndex(), shared.readableBytes());
            requests[templateIndex] = own;
        }
        if (own.refCnt() == 1) {
            return own.readerIndex(0).retain();
        }
        return shared.retainedDuplicate();
    }

    private void releaseRequests() {
        if (requests != null) {
            for (ByteBuf b : requests) {
                if (b != null && b.refCnt() > 0) {
                    b.release();
                }
            }
            requests = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (countBytes) {
                worker.current.addBytesIn(in.readableBytes());
            }
            if (!inFlight) {
                close(); // bytes nobody asked for (or a late answer to a request given up): this connection is done
                return;
            }
            parser.feed(in);
        } catch (ResponseParser.MalformedResponse e) {
            fail(ErrorKind.PROTOCOL);
        } finally {
            in.release();
        }
    }

    @Override
    public void onBody(ByteBuf content, int index, int length) {
        if (!worker.ctx.needsBody) {
            return;
        }
        int n = Math.min(length, ResponseCheck.MAX_BODY_BYTES - bodyLength);
        if (n <= 0) {
            return;
        }
        if (body == null || body.length < bodyLength + n) {
            byte[] bigger = new byte[Math.min(ResponseCheck.MAX_BODY_BYTES, Math.max(1024, (bodyLength + n) * 2))];
            if (body != null) {
                System.arraycopy(body, 0, bigger, 0, bodyLength);
            }
            body = bigger;
        }
        content.getBytes(index, body, bodyLength, n);
        bodyLength += n;
    }

    @Override
    public void onResponse(int status, boolean keepAlive, HttpHeaders headers) {
        if (!inFlight) {
            return;
        }
        ErrorKind failed = null;
        if (!worker.ctx.checks.isEmpty()) {
            CharSequence text = worker.ctx.needsBody && bodyLength > 0
                    ? new String(body, 0, bodyLength, StandardCharsets.UTF_8) : "";
            HttpHeaders h = headers == null ? EmptyHttpHeaders.INSTANCE : headers;
            for (ResponseCheck check : worker.ctx.checks) {
                if (!check.passes(status, h, text)) {
                    failed = check.kind();
                    break;
                }
            }
        }
        inFlight = false;
        worker.onResponse(this, failed, keepAlive);
    }

    /** Ends the request in flight with a transport failure and closes the connection. */
    void fail(ErrorKind kind) {
        if (inFlight) {
            inFlight = false;
            worker.onTransportFailure(this, kind);
        }
        close();
    }

    void close() {
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ErrorKind.classify(cause));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (inFlight && parser.readsUntilClose()) {
            parser.closed(); // a body delimited by the end of the connection is complete now
        }
        if (inFlight) {
            inFlight = false;
            worker.onTransportFailure(this, ErrorKind.CLOSED);
        }
        releaseRequests();
        worker.onClosed(this);
    }
}
