package tt.host.engine.qemu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UserNetConnectionsTest {

    /** What QEMU 7.2's monitor printed for a guest booting with two SSH probes (the 8080 lines added in its format). */
    private static final String BOOTING = """
            Hub -1 (net0):
              Protocol[State]    FD  Source Address  Port   Dest. Address  Port RecvQ SendQ
              TCP[SYN_SENT]      16       127.0.0.1 31999       10.0.2.15    22     0     0
              TCP[SYN_SENT]      15       127.0.0.1 31999       10.0.2.15    22     0     0
              TCP[SYN_SENT]      17       127.0.0.1 32000       10.0.2.15  8080     0     0
              TCP[HOST_FORWARD]  11       127.0.0.1 31999       10.0.2.15    22     0     0
              TCP[HOST_FORWARD]  12       127.0.0.1 32000       10.0.2.15  8080     0     0
            """;

    /** The same guest 8 s later: its network is up and it answered them. */
    private static final String UP = """
            Hub -1 (net0):
              Protocol[State]    FD  Source Address  Port   Dest. Address  Port RecvQ SendQ
              TCP[ESTABLISHED]   20       127.0.0.1 31999       10.0.2.15    22     0     0
              TCP[ESTABLISHED]   16       127.0.0.1 31999       10.0.2.15    22     0     0
              TCP[HOST_FORWARD]  11       127.0.0.1 31999       10.0.2.15    22     0     0
            """;

    @Test
    void countsTheConnectionsToTheGuestsPortStillWaitingForItsAnswer() {
        assertEquals(2, UserNetConnections.unanswered(BOOTING, 22));
        assertEquals(1, UserNetConnections.unanswered(BOOTING, 8080));
        assertEquals(0, UserNetConnections.unanswered(UP, 22));
        assertEquals(0, UserNetConnections.unanswered("", 22));
    }
}
