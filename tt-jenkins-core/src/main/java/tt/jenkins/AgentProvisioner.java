package tt.jenkins;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The agents of one cloud, as far as TT is concerned: which ones to start for a label now (enough
 * for the builds waiting, within the caps, counting those on their way, see
 * {@link ProvisionPlanner}), only while provisioning works ({@link ProvisioningHealth}). While it
 * is paused because the backend failed, a cheap call checks the backend in the background and the
 * caller is told as soon as it answers, so that asking for agents never blocks on the network. It
 * also renews the leases of the agents, those on their way included.
 */
public final class AgentProvisioner {

    /** A cheap call to the backend; its answering means provisioning may resume. */
    @FunctionalInterface
    public interface Probe {
        void call() throws IOException;
    }

    /** What matters of a template for how many agents to start: its label, executors per agent, and cap (0: none). */
    public record Template(String label, int executorsPerAgent, int cap) {
    }

    /** One sequence for every cloud of the controller, so no two agents it starts share a name. */
    private static final AtomicLong SERIAL = new AtomicLong();

    private final String instanceId;
    private final Probe probe;
    private final Executor executor;
    private final CloudLog log;
    private final Clock clock;
    private final PendingAgents pending = new PendingAgents();
    private final ProvisioningHealth health;

    /**
     * @param instanceId the controller's instance id, which the agents' ENV names carry ({@link AgentNames})
     * @param executor   where the probe runs
     * @param log        the controller's log
     * @param nanoClock  a monotonic clock for the waits after failures ({@code System::nanoTime})
     * @param clock      the wall clock, for when a failure began and for the agents' serial numbers
     */
    public AgentProvisioner(String instanceId, Probe probe, Executor executor, CloudLog log, LongSupplier nanoClock,
                            Clock clock) {
        this.instanceId = instanceId;
        this.probe = probe;
        this.executor = executor;
        this.log = log;
        this.clock = clock;
        this.health = new ProvisioningHealth(nanoClock, clock::instant);
    }

    /** The agents started and not yet nodes. */
    public PendingAgents pending() {
        return pending;
    }

    /**
     * The node names (which are their ENV names) of the agents to start now for a template, each
     * counted as on its way from now on; none while provisioning is paused. When the backend is
     * due a check, the probe runs in the background and {@code backendAnswers} runs once it answers.
     *
     * @param excessWorkload the builds waiting that no agent takes yet, in executors
     * @param nodes          node name to template label, for the cloud's live agents
     * @param cloudCap       the cloud's cap on agents (0: none)
     */
    public List<String> agentsToStart(Template template, int excessWorkload, Map<String, String> nodes, int cloudCap,
                                      Runnable backendAnswers) {
        if (!healthyNow(backendAnswers)) {
            return List.of();
        }
        int start = ProvisionPlanner.agentsToStart(new ProvisionPlanner.Demand(excessWorkload,
                template.executorsPerAgent(), 0, pending.count(template.label(), nodes), template.cap(),
                pending.count(null, nodes), cloudCap));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < start; i++) {
            String nodeName = AgentNames.envName(instanceId, template.label(), nextSerial());
            pending.started(nodeName, template.label());
            log.info("starting agent " + nodeName + " for label " + template.label());
            names.add(nodeName);
        }
        return names;
    }

    private boolean healthyNow(Runnable backendAnswers) {
        ProvisioningHealth.Next next = health.next();
        if (next == ProvisioningHealth.Next.PROBE) {
            executor.execute(() -> {
                try {
                    probe.call();
                    log.info(health.probeSucceeded());
                    backendAnswers.run();
                } catch (IOException e) {
                    health.failed(e).ifPresent(log::warning);
                }
            });
        }
        return next == ProvisioningHealth.Next.PROVISION;
    }

    /** An agent's ENV was made: provisioning works. */
    public void envMade() {
        health.succeeded().ifPresent(log::info);
    }

    /** An agent could not be made; returns why, in one line for the node's failure. */
    public String agentFailed(String nodeName, Exception e) {
        health.failed(e).ifPresent(log::warning);
        return "cannot make agent " + nodeName + ": " + e.getMessage();
    }

    /** The last failure and since when, while provisioning does not work; null while it does. */
    public String problem() {
        return health.problem().orElse(null);
    }

    /**
     * Renews the leases of the agents' ENVs: the live agents' and those on their way, going on past
     * failures, each of which it logs.
     */
    public void renewLeases(AgentVms vms, Collection<String> liveEnvs, CloudLog taskLog) {
        Set<String> envs = new TreeSet<>(pending.names());
        envs.addAll(liveEnvs);
        vms.renewAll(envs).forEach((env, why) -> taskLog.warning("the lease of ENV " + env
                + " could not be renewed (next round tries again): " + why));
    }

    private long nextSerial() {
        long now = clock.millis();
        return SERIAL.updateAndGet(p -> Math.max(p + 1, now));
    }
}
