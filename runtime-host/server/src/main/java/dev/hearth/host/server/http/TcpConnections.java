package dev.hearth.host.server.http;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Which of our TCP connections the peer has already closed, read from the kernel's connection tables (Linux's
 * {@code /proc/net/tcp} and {@code /proc/net/tcp6}).
 *
 * <p>Why: the JDK's HTTP server gives a handler no way to see its connection while it works on a request. During an
 * exchange the server has cancelled the connection's selection key and switched the channel to blocking mode for the
 * handler's streams; nothing reads from the socket, and {@code HttpExchange} exposes neither the channel nor a
 * "closed" callback. The request body has been read to its end, so reading it again returns end-of-stream without
 * touching the socket. A status line cannot be sent early either ({@code sendResponseHeaders} with a 1xx code commits
 * the exchange). So a client that hangs up while its request waits in the queue is invisible to the server until it
 * writes the answer. The kernel, however, knows: when the client closes, our side of the connection moves to
 * {@code CLOSE_WAIT} (the peer's FIN arrived, we have not closed yet). Matching the exchange's local and remote address
 * against the table finds it without touching the socket.
 *
 * <p>Limits: Linux only (elsewhere {@link #NONE}, which never reports a connection closed). A client that half-closes
 * (shuts down its sending side but still reads) also shows as {@code CLOSE_WAIT} and is taken as gone, as nginx takes
 * a read end-of-file while it waits for an upstream; HTTP clients do not do this in practice. A connection reset by
 * the client (not closed) leaves the table at once and is not reported: it is caught at the first write, as before.
 */
public class TcpConnections {
    private static final Logger LOG = Logger.getLogger("dev.hearth.host.server");

    /** {@code st} column: the peer closed, we have not ({@code TCP_CLOSE_WAIT} in the kernel's numbering). */
    static final int CLOSE_WAIT = 0x08;

    /** Where the tables cannot be read: never reports a connection closed. */
    public static final TcpConnections NONE = new TcpConnections(List.of()) {
        @Override
        public Snapshot snapshot() {
            return Snapshot.EMPTY;
        }
    };

    private final List<Path> tables;

    TcpConnections(List<Path> tables) {
        this.tables = List.copyOf(tables);
    }

    /** The kernel's tables when this is Linux and they can be read, else {@link #NONE}. */
    public static TcpConnections system() {
        Path v4 = Path.of("/proc/net/tcp");
        Path v6 = Path.of("/proc/net/tcp6");
        List<Path> readable = List.of(v4, v6).stream().filter(Files::isReadable).toList();
        return readable.isEmpty() ? NONE : new TcpConnections(readable);
    }

    /** The connections in {@code CLOSE_WAIT} now. */
    public Snapshot snapshot() {
        Set<String> closed = new HashSet<>();
        for (Path table : tables) {
            try {
                for (String line : Files.readAllLines(table)) parseLine(line, closed);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "reading " + table + " failed: " + e.getMessage());
            }
        }
        return new Snapshot(closed);
    }

    /** True when the peer of the connection {@code local} ↔ {@code remote} has closed it (one table read). */
    public boolean peerClosed(InetSocketAddress local, InetSocketAddress remote) {
        return snapshot().peerClosed(local, remote);
    }

    /** The connections in {@code CLOSE_WAIT} at one moment. */
    public record Snapshot(Set<String> closeWait) {
        static final Snapshot EMPTY = new Snapshot(Set.of());

        public Snapshot {
            closeWait = Set.copyOf(closeWait);
        }

        public boolean peerClosed(InetSocketAddress local, InetSocketAddress remote) {
            if (local == null || remote == null || local.getAddress() == null || remote.getAddress() == null) {
                return false;
            }
            return closeWait.contains(key(local.getAddress(), local.getPort(), remote.getAddress(), remote.getPort()));
        }
    }

    /**
     * One row: {@code sl local_address rem_address st ...}, addresses as {@code HEX:PORT} where the address is the
     * kernel's network-order bytes printed as 32-bit words in host order, the port big hex.
     */
    static void parseLine(String line, Set<String> closeWait) {
        String[] f = line.strip().split("\\s+");
        if (f.length < 4 || !f[0].endsWith(":")) return; // the header line, or something we do not know
        int state;
        try {
            state = Integer.parseInt(f[3], 16);
        } catch (NumberFormatException e) {
            return;
        }
        if (state != CLOSE_WAIT) return;
        Endpoint local = endpoint(f[1]);
        Endpoint remote = endpoint(f[2]);
        if (local == null || remote == null) return;
        closeWait.add(key(local.address, local.port, remote.address, remote.port));
    }

    private record Endpoint(InetAddress address, int port) {}

    private static Endpoint endpoint(String field) {
        int colon = field.indexOf(':');
        if (colon != 8 && colon != 32) return null;
        try {
            byte[] raw = new byte[colon / 2];
            for (int w = 0; w < raw.length / 4; w++) {
                int word = (int) Long.parseLong(field.substring(w * 8, w * 8 + 8), 16);
                if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) word = Integer.reverseBytes(word);
                raw[w * 4] = (byte) (word >>> 24);
                raw[w * 4 + 1] = (byte) (word >>> 16);
                raw[w * 4 + 2] = (byte) (word >>> 8);
                raw[w * 4 + 3] = (byte) word;
            }
            return new Endpoint(InetAddress.getByAddress(raw), Integer.parseInt(field.substring(colon + 1), 16));
        } catch (NumberFormatException | UnknownHostException e) {
            return null;
        }
    }

    /** One spelling per connection: IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}) as IPv4. */
    static String key(InetAddress local, int localPort, InetAddress remote, int remotePort) {
        return plain(local) + "|" + localPort + "|" + plain(remote) + "|" + remotePort;
    }

    private static String plain(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address && isMapped(b)) {
            try {
                return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}).getHostAddress();
            } catch (UnknownHostException e) {
                return a.getHostAddress();
            }
        }
        return a.getHostAddress();
    }

    private static boolean isMapped(byte[] b) {
        if (b.length != 16) return false;
        for (int i = 0; i < 10; i++) if (b[i] != 0) return false;
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }
}
