package tt.jenkins;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlannersTest {

    @Test
    void dynamicLabelsNameAnOsPrefixOrAnImageAndSizes() {
        assertEquals(Optional.of(new TtLabel.Dynamic("ubuntu2004", null, null, null, null, null)),
                TtLabel.parse("tt-ubuntu2004"));
        assertEquals(Optional.of(new TtLabel.Dynamic("centos", null, null, null, null, null)),
                TtLabel.parse(" TT-CentOS "));
        assertEquals(Optional.of(new TtLabel.Dynamic("ubuntu-20.04", null, null, 2, 4096, 10240)),
                TtLabel.parse("tt-ubuntu-20.04--cpu2--mem4096--disk10240"));
        assertEquals(Optional.of(new TtLabel.Dynamic("ubuntu", null, "aarch64", 2, null, null)),
                TtLabel.parse("tt-ubuntu--arch-aarch64--cpu2"));
        assertEquals(Optional.of(new TtLabel.Dynamic(null, "qemu:ubuntu-20.04:x86_64", null, null, 2048, null)),
                TtLabel.parse("tt-image:qemu:ubuntu-20.04:x86_64--mem2048"));
        for (String bad : new String[] {"linux", "tt-", "tt-a;b", "tt-ubuntu--cpu2--cpu4", "tt-ubuntu--gpu1",
                "tt-ubuntu--cpu0", "tt-ubuntu-", "tt-image:nope", "tt-ubuntu--", "tt-ubuntu--arch-x86_64--arch-aarch64",
                "tt-image:qemu:ubuntu-20.04:x86_64--arch-aarch64", "tt-ubuntu--arch-"}) {
            assertEquals(Optional.empty(), TtLabel.parse(bad), bad);
        }
        assertEquals(Optional.empty(), TtLabel.parse(null));
    }

    @Test
    void provisioningCountsWhatIsComingAndRespectsCaps() {
        assertEquals(3, ProvisionPlanner.agentsToStart(new ProvisionPlanner.Demand(3, 1, 0, 0, 0, 0, 0)));
        assertEquals(0, ProvisionPlanner.agentsToStart(new ProvisionPlanner.Demand(3, 1, 3, 3, 0, 3, 0)),
                "three builds on one label waiting for three agents on their way start nothing more");
        assertEquals(1, ProvisionPlanner.agentsToStart(new ProvisionPlanner.Demand(3, 2, 1, 1, 0, 1, 0)));
        assertEquals(2, ProvisionPlanner.agentsToStart(new ProvisionPlanner.Demand(5, 1, 0, 3, 5, 3, 10)),
                "the template cap");
        assertEquals(1, ProvisionPlanner.agentsToStart(new ProvisionPlanner.Demand(5, 1, 0, 0, 5, 9, 10)),
                "the cloud cap");
        assertEquals(0, ProvisionPlanner.agentsToStart(new ProvisionPlanner.Demand(5, 1, 0, 5, 5, 5, 10)));
        assertThrows(IllegalArgumentException.class,
                () -> ProvisionPlanner.agentsToStart(new ProvisionPlanner.Demand(1, 0, 0, 0, 0, 0, 0)));
    }

    @Test
    void envNamesCarryTheInstanceAndFitTheLimit() {
        assertEquals("j3f2a9c1d-", AgentNames.envPrefix("3F2A9C1D-77aa-bbcc"));
        String name = AgentNames.envName("3f2a9c1d77", "tt-ubuntu2004", 17);
        assertEquals("j3f2a9c1d-tt-ubuntu2004-17", name);
        assertTrue(AgentNames.envName("abc", "x".repeat(100), 123456).length() <= 63);
        assertThrows(IllegalArgumentException.class, () -> AgentNames.envPrefix("!!!"));
    }

    @Test
    void sweepsOwnEnvsWithoutNodesAndNodesWithoutEnvs() {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        Instant old = now.minus(Duration.ofMinutes(10));
        Map<String, Instant> envs = new TreeMap<>(Map.of("jabc-tt-x-1", old, "jabc-tt-x-2", old, "jabc-tt-x-3", old,
                "jabc-tt-x-4", now.minus(Duration.ofSeconds(30)), "jother-tt-x-1", old));
        OrphanPlanner.Sweep s = OrphanPlanner.plan("jabc-", envs, Set.of("jabc-tt-x-3"),
                Map.of("agent-1", "jabc-tt-x-1", "agent-9", "jabc-tt-x-9"), now, Duration.ofMinutes(2));
        assertEquals(List.of("jabc-tt-x-2"), s.envsToDelete(), "only own, unused, not-starting, not-young ENVs");
        assertEquals(List.of("agent-9"), s.nodesToRemove());
    }

    @Test
    void agentKeysAreFreshAndInOpenSshFormat() {
        AgentKeys a = AgentKeys.generate("jenkins-agent");
        AgentKeys b = AgentKeys.generate("jenkins-agent");
        assertTrue(a.publicKey().startsWith("ecdsa-sha2-nistp256 ") && a.publicKey().endsWith(" jenkins-agent"));
        assertTrue(!a.publicKey().equals(b.publicKey()));
        assertTrue(new String(a.privateKey()).contains("PRIVATE KEY"));
    }

    @Test
    void buildEnvNamesAreValidAndNeverLookLikeAnAgentsEnv() {
        assertEquals("b-team-app-main-12-3", AgentNames.forBuild("team/app/Main", 12, 3));
        String longName = AgentNames.forBuild("x".repeat(100), 7, 1);
        assertTrue(longName.length() <= 63 && longName.endsWith("-7-1") && tt.api.Validation.name("env", longName) != null);
        assertTrue(!AgentNames.forBuild("j0123abcd-x", 1, 1).startsWith(AgentNames.envPrefix("0123abcd")));
    }
}
