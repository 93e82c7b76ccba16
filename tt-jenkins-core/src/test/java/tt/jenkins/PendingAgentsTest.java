package tt.jenkins;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PendingAgentsTest {

    @Test
    void oneShotAgentsThatCameAndWentBetweenTwoCountsNoLongerHoldTheCap() {
        PendingAgents pending = new PendingAgents();
        pending.started("a-1", "tt-tiny");
        pending.started("a-2", "tt-tiny");
        assertEquals(2, pending.count(null, Map.of()));
        // each node is added, runs its one build and is removed before the cloud counts again
        pending.ended("a-1");
        pending.ended("a-2");
        assertEquals(0, pending.count(null, Map.of()), "a cap of 2 leaves room for the next builds");
    }

    @Test
    void anEntryEndsWhicheverOrderJenkinsReportsIn() {
        PendingAgents pending = new PendingAgents();
        pending.started("added-then-spent", "l");
        pending.started("removed-then-spent", "l");
        pending.started("failed", "l");
        assertEquals(3, pending.count("l", Map.of()));
        assertEquals(3, pending.count("l", Map.of("added-then-spent", "l")), "a node that is still pending counts once");
        pending.ended("added-then-spent");
        pending.ended("removed-then-spent");
        pending.ended("removed-then-spent");
        pending.ended("failed");
        assertEquals(1, pending.count("l", Map.of("added-then-spent", "l")));
        assertEquals(0, pending.count("l", Map.of()));
    }

    @Test
    void countsPerTemplateLabel() {
        PendingAgents pending = new PendingAgents();
        pending.started("x-1", "x");
        pending.started("y-1", "y");
        assertEquals(2, pending.count("x", Map.of("x-0", "x")));
        assertEquals(1, pending.count("y", Map.of("x-0", "x")));
        assertEquals(3, pending.count(null, Map.of("x-0", "x")));
    }
}
