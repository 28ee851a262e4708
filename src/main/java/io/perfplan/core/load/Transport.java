package io.perfplan.core.load;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import io.netty.util.concurrent.DefaultThreadFactory;

/** The Netty transport for this machine: native epoll on Linux when it loads, NIO elsewhere. */
public enum Transport {
    EPOLL, NIO;

    /** Epoll when {@link Epoll#isAvailable()}, else NIO. */
    public static Transport best() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    public String label() {
        return this == EPOLL ? "epoll" : "nio";
    }

    /**
     * A group of {@code threads} event loops on daemon threads named after {@code name}. The threads
     * are Netty's {@code FastThreadLocalThread}s: Netty pools its per-write objects and buffer caches
     * only on those, so plain threads would allocate on every request.
     */
    public MultiThreadIoEventLoopGroup newGroup(int threads, String name) {
        IoHandlerFactory factory = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), factory);
    }

    public Class<? extends SocketChannel> socketChannel() {
        return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public Class<? extends ServerChannel> serverChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}
