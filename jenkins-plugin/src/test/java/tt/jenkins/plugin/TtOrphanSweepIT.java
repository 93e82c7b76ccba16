package tt.jenkins.plugin;

import hudson.slaves.RetentionStrategy;
import hudson.util.StreamTaskListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;
import tt.api.EnvInfo;
import tt.jenkins.AgentKeys;
import tt.jenkins.AgentNames;
import tt.jenkins.AgentVms;
import tt.jenkins.TtLabel;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After a controller restart, the sweep deletes this Jenkins' agent ENVs that no node uses and
 * removes nodes whose ENV is gone, and leaves other controllers' ENVs alone.
 */
class TtOrphanSweepIT {

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @Test
    void orphansLeftByARestartAreSwept() throws Throwable {
        try (TtPool pool = TtPool.start("sweep")) {
            String[] names = new String[3];
            sessions.then(r -> {
                TtCloud cloud = pool.addCloud(r);
                String prefix = AgentNames.envPrefix(r.jenkins.getLegacyInstanceId());
                AgentVms vms = cloud.agentVms();
                AgentVms.Spec spec = new AgentVms.Spec("tinylinux", null, null, 1, 256, null, 30);
                names[0] = prefix + "lost-1";
                vms.create(names[0], spec, AgentKeys.generate("lost").publicKey());
                names[1] = "jffffffff-other-1";
                vms.create(names[1], spec, AgentKeys.generate("other").publicKey());
                names[2] = prefix + "ghost-2";
                TtAgent ghost = new TtAgent(names[2], cloud,
                        TtAgentTemplate.dynamic("tt-tinylinux", TtLabel.parse("tt-tinylinux").orElseThrow()),
                        "qemu:tinylinux-1.0:6.1.x86_64", AgentKeys.generate("ghost"));
                ghost.setRetentionStrategy(new RetentionStrategy.Demand(0, 1));
                r.jenkins.addNode(ghost);
            });
            sessions.then(r -> {
                TtCloud cloud = (TtCloud) r.jenkins.getCloud("tt");
                assertNotNull(cloud, "the cloud survived the restart");
                assertNotNull(r.jenkins.getNode(names[2]), "the node survived the restart");
                ByteArrayOutputStream young = new ByteArrayOutputStream();
                cloud.sweepOrphans(new StreamTaskListener(young, StandardCharsets.UTF_8));
                String first = young.toString(StandardCharsets.UTF_8);
                assertTrue(!first.contains("deleting ENV") && first.contains("removing agent " + names[2]),
                        "ENVs made less than two minutes ago are not orphans yet; a node without an ENV is: " + first);
                ByteArrayOutputStream log = new ByteArrayOutputStream();
                cloud.sweepOrphans(new StreamTaskListener(log, StandardCharsets.UTF_8), Duration.ZERO);
                String text = log.toString(StandardCharsets.UTF_8);
                assertTrue(text.contains("deleting ENV " + names[0]), text);
                assertNull(r.jenkins.getNode(names[2]));
                assertEquals(List.of(names[1]), pool.client().envs().stream().map(EnvInfo::name).toList());
                pool.client().deleteEnv(names[1]);
            });
        }
    }
}
