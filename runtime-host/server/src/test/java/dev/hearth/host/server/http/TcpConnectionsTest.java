package dev.hearth.host.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class TcpConnectionsTest {

    @Test
    void parsesCloseWaitRowsOfBothTablesAndIgnoresTheRest() throws Exception {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the sample rows are a little-endian kernel's");
        Set<String> closed = new HashSet<>();
        TcpConnections.parseLine("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid",
                closed);
        // 127.0.0.1:11435 <- 127.0.0.1:53000, CLOSE_WAIT
        TcpConnections.parseLine("   3: 0100007F:2CAB 0100007F:CF08 08 00000000:00000000 00:00000000 00000000  1000",
                closed);
        // the same pair ESTABLISHED (01): not reported
        TcpConnections.parseLine("   4: 0100007F:2CAB 0100007F:CF09 01 00000000:00000000 00:00000000 00000000  1000",
                closed);
        // tcp6, IPv4-mapped ::ffff:127.0.0.1:11435 <- ::ffff:127.0.0.1:53002, CLOSE_WAIT
        TcpConnections.parseLine("   0: 0000000000000000FFFF00000100007F:2CAB 0000000000000000FFFF00000100007F:CF0A 08 "
                + "00000000:00000000 00:00000000 00000000  1000", closed);
        TcpConnections.parseLine("garbage", closed);
        assertEquals(2, closed.size(), closed.toString());
        TcpConnections.Snapshot s = new TcpConnections.Snapshot(closed);
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        assertTrue(s.peerClosed(new InetSocketAddress(lo, 11435), new InetSocketAddress(lo, 0xCF08)));
        assertFalse(s.peerClosed(new InetSocketAddress(lo, 11435), new InetSocketAddress(lo, 0xCF09)));
        assertTrue(s.peerClosed(new InetSocketAddress(lo, 11435), new InetSocketAddress(lo, 0xCF0A)),
                "a mapped address matches its IPv4 spelling");
    }

    @Test
    void seesThePeerOfARealConnectionCloseWithoutTouchingTheSocket() throws Exception {
        TcpConnections tcp = TcpConnections.system();
        assumeTrue(tcp != TcpConnections.NONE, "no /proc/net/tcp here");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            InetSocketAddress local = (InetSocketAddress) accepted.getLocalSocketAddress();
            InetSocketAddress remote = (InetSocketAddress) accepted.getRemoteSocketAddress();
            assertFalse(tcp.peerClosed(local, remote), "open on both sides");
            client.close();
            long end = System.nanoTime() + 5_000_000_000L;
            boolean seen = false;
            while (!seen && System.nanoTime() < end) {
                seen = tcp.peerClosed(local, remote);
                if (!seen) Thread.sleep(10);
            }
            assertTrue(seen, "the client's close shows as CLOSE_WAIT on our side");
        }
    }

    @Test
    void noneNeverReportsAClose() {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
        assertFalse(TcpConnections.NONE.peerClosed(a, a));
    }
}
