package io.perfplan.core.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP server (plain JDK sockets, one thread per connection) that answers each request
 * in one deliberately wrong way, to provoke each transport error kind for real.
 */
final class MisbehavingServer implements AutoCloseable {

    enum Behaviour {
        /** Reads the request and never answers. */
        SILENT,
        /** Reads the request and resets the connection (SO_LINGER 0). */
        RESET,
        /** Reads the request and closes the connection normally. */
        CLOSE,
        /** Answers with bytes that are not HTTP. */
        GARBAGE
    }

    private final ServerSocket server;
    private final Behaviour behaviour;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    MisbehavingServer(Behaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "misbehaving-" + behaviour);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/";
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "misbehaving-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (readRequestHead(in)) {
                switch (behaviour) {
                    case SILENT -> {
                        while (in.read() >= 0) {
                            // hold the connection until the client gives up
                        }
                        return;
                    }
                    case RESET -> {
                        s.setSoLinger(true, 0);
                        return;
                    }
                    case CLOSE -> {
                        return;
                    }
                    case GARBAGE -> {
                        out.write("HELLO THERE\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                    }
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** Reads up to the blank line ending a request head; false at end of stream. */
    private static boolean readRequestHead(InputStream in) throws IOException {
        int state = 0;
        int b;
        while ((b = in.read()) >= 0) {
            state = switch (state) {
                case 0, 2 -> b == '\r' ? state + 1 : 0;
                case 1 -> b == '\n' ? 2 : 0;
                case 3 -> b == '\n' ? 4 : 0;
                default -> 0;
            };
            if (state == 4) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
