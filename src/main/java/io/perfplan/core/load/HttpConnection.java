package io.perfplan.core.load;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * One keep-alive connection of a load worker, with at most one request in flight (no pipelining).
 * Runs on its worker's event loop only; it tells the worker when a request ends, fails or the
 * connection closes, and the worker decides what to send next.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter {

    /** Lets HEAD responses through without a body, as {@code HttpClientCodec} does. */
    static final class ResponseDecoder extends HttpResponseDecoder {
        boolean headRequest;

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            return headRequest || super.isContentAlwaysEmpty(msg);
        }
    }

    private final LoopWorker worker;
    final ResponseDecoder decoder = new ResponseDecoder();
    Channel channel;
    boolean inFlight;
    boolean measured;
    int template;
    long intendedNanos;
    long sentNanos;
    private int status;
    private boolean keepAlive;
    private HttpHeaders headers;
    private byte[] body;
    private int bodyLength;

    HttpConnection(LoopWorker worker) {
        this.worker = worker;
    }

    void send(int templateIndex, long intended, boolean measuredRequest, ByteBuf encoded, boolean head) {
        template = templateIndex;
        intendedNanos = intended;
        measured = measuredRequest;
        inFlight = true;
        status = 0;
        headers = null;
        bodyLength = 0;
        decoder.headRequest = head;
        sentNanos = System.nanoTime();
        channel.writeAndFlush(encoded, channel.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!inFlight) {
                return; // a late answer to a request already given up: the connection is closing
            }
            if (msg instanceof HttpResponse r) {
                if (r.decoderResult().isFailure()) {
                    fail(ErrorKind.PROTOCOL);
                    return;
                }
                status = r.status().code();
                keepAlive = HttpUtil.isKeepAlive(r);
                headers = r.headers();
            }
            if (msg instanceof HttpContent c) {
                if (c.decoderResult().isFailure()) {
                    fail(ErrorKind.PROTOCOL);
                    return;
                }
                if (worker.ctx.needsBody) {
                    appendBody(c.content());
                }
                if (msg instanceof LastHttpContent) {
                    complete();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void appendBody(ByteBuf content) {
        int n = Math.min(content.readableBytes(), ResponseCheck.MAX_BODY_BYTES - bodyLength);
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
        content.getBytes(content.readerIndex(), body, bodyLength, n);
        bodyLength += n;
    }

    private void complete() {
        ErrorKind failed = null;
        if (!worker.ctx.checks.isEmpty()) {
            CharSequence text = worker.ctx.needsBody && bodyLength > 0
                    ? new String(body, 0, bodyLength, StandardCharsets.UTF_8) : "";
            for (ResponseCheck check : worker.ctx.checks) {
                if (!check.passes(status, headers, text)) {
                    failed = check.kind();
                    break;
                }
            }
        }
        inFlight = false;
        headers = null;
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
        if (inFlight) {
            inFlight = false;
            worker.onTransportFailure(this, ErrorKind.CLOSED);
        }
        worker.onClosed(this);
    }
}
