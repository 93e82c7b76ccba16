package tt.jenkins.plugin;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.Util;
import hudson.model.Computer;
import hudson.model.Descriptor;
import hudson.model.Label;
import hudson.model.Node;
import hudson.model.TaskListener;
import hudson.model.labels.LabelAtom;
import hudson.security.ACL;
import hudson.slaves.Cloud;
import hudson.slaves.NodeProvisioner.PlannedNode;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import hudson.util.Secret;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;
import tt.api.CertFingerprint;
import tt.api.HostStatus;
import tt.api.ImageName;
import tt.api.PoolStatus;
import tt.client.BackendClient;
import tt.jenkins.AgentKeys;
import tt.jenkins.AgentNames;
import tt.jenkins.AgentVms;
import tt.jenkins.BackendTrust;
import tt.jenkins.OrphanPlanner;
import tt.jenkins.PendingAgents;
import tt.jenkins.PoolImages;
import tt.jenkins.ProvisionPlanner;
import tt.jenkins.ProvisioningHealth;
import tt.jenkins.TtLabel;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * A TT pool as a Jenkins cloud: labels of its templates, and the dynamic labels ({@code tt-<os>},
 * {@code tt-image:<image>}, with optional sizes, see {@link TtLabel}), get fresh VMs as SSH
 * agents. The decisions are made by the plain classes of tt-jenkins-core; this class only ties
 * them to Jenkins.
 */
public class TtCloud extends Cloud {

    private static final Logger LOGGER = Logger.getLogger(TtCloud.class.getName());
    static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 300;
    private static final AtomicLong SERIAL = new AtomicLong();
    /** An agent's ENV younger than this is never an orphan: its node may be on its way. */
    private static final Duration ORPHAN_MIN_AGE = Duration.ofMinutes(2);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
    /** An agent's VM outlives its controller by at most this long (TtLeaseRenewal renews every 2 minutes). */
    static final int AGENT_LEASE_SECONDS = 900;

    private final String serverUrl;
    private final String credentialsId;
    private String fingerprint;
    private int instanceCap;
    private int connectTimeoutSeconds = DEFAULT_CONNECT_TIMEOUT_SECONDS;
    private boolean dynamicLabels = true;
    private List<TtAgentTemplate> templates = new ArrayList<>();
    /** Agents on their way: started by {@link #provision}, not yet (or never to be) nodes. */
    private transient PendingAgents pending;
    /** Whether provisioning works now, after failures (backs off, logs each change once). */
    private transient ProvisioningHealth health;
    private transient PoolImages poolImages;

    @DataBoundConstructor
    public TtCloud(String name, String serverUrl, String credentialsId) {
        super(name);
        this.serverUrl = Util.fixEmptyAndTrim(serverUrl);
        this.credentialsId = Util.fixEmptyAndTrim(credentialsId);
    }

    /** Fields a saved configuration lacks (XStream runs no initializers) get their defaults. */
    protected Object readResolve() {
        if (templates == null) {
            templates = new ArrayList<>();
        }
        if (connectTimeoutSeconds <= 0) {
            connectTimeoutSeconds = DEFAULT_CONNECT_TIMEOUT_SECONDS;
        }
        return this;
    }

    public String getServerUrl() {
        return serverUrl;
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    /** The fingerprint of the backend's certificate (SHA256:...), or null to trust the Java's certificate authorities. */
    public String getFingerprint() {
        return fingerprint;
    }

    @DataBoundSetter
    public void setFingerprint(String fingerprint) {
        this.fingerprint = Util.fixEmptyAndTrim(fingerprint);
    }

    public int getInstanceCap() {
        return instanceCap;
    }

    @DataBoundSetter
    public void setInstanceCap(int instanceCap) {
        this.instanceCap = Math.max(0, instanceCap);
    }

    public int getConnectTimeoutSeconds() {
        return connectTimeoutSeconds;
    }

    @DataBoundSetter
    public void setConnectTimeoutSeconds(int connectTimeoutSeconds) {
        this.connectTimeoutSeconds = connectTimeoutSeconds > 0 ? connectTimeoutSeconds : DEFAULT_CONNECT_TIMEOUT_SECONDS;
    }

    public boolean isDynamicLabels() {
        return dynamicLabels;
    }

    @DataBoundSetter
    public void setDynamicLabels(boolean dynamicLabels) {
        this.dynamicLabels = dynamicLabels;
    }

    public List<TtAgentTemplate> getTemplates() {
        return Collections.unmodifiableList(templates);
    }

    @DataBoundSetter
    public void setTemplates(List<TtAgentTemplate> templates) {
        this.templates = templates == null ? new ArrayList<>() : new ArrayList<>(templates);
    }

    /** The backend client, with the API token from the credentials. */
    public BackendClient backend() throws AbortException {
        if (serverUrl == null) {
            throw new AbortException("the TT cloud '" + name + "' has no backend URL: set it in Manage Jenkins > Clouds");
        }
        return BackendTrust.client(serverUrl, token(credentialsId), fingerprint);
    }

    /** The agents' VMs, each tied to this controller by a lease that {@link TtLeaseRenewal} renews. */
    AgentVms agentVms() throws AbortException {
        return new AgentVms(backend(), new AgentVms.Lease(AgentNames.envPrefix(Jenkins.get().getLegacyInstanceId()),
                AGENT_LEASE_SECONDS));
    }

    /** Renews the leases of this cloud's agents: the live nodes and those on their way. */
    void renewLeases(TaskListener listener) throws AbortException {
        Set<String> envs = new TreeSet<>(pending().names());
        getAgents().forEach(a -> envs.add(a.getEnvName()));
        agentVms().renewAll(envs).forEach((env, why) -> listener.error("TT cloud " + name + ": the lease of ENV " + env
                + " could not be renewed (next round tries again): " + why));
    }

    private static String token(String credentialsId) throws AbortException {
        if (credentialsId == null) {
            return null;
        }
        StringCredentials c = CredentialsMatchers.firstOrNull(
                CredentialsProvider.lookupCredentialsInItemGroup(StringCredentials.class, Jenkins.get(), ACL.SYSTEM2,
                        List.of()), CredentialsMatchers.withId(credentialsId));
        if (c == null) {
            throw new AbortException("no 'Secret text' credentials with the id '" + credentialsId
                    + "': add the TT API token (tt token create NAME) as Secret text credentials");
        }
        return Secret.toString(c.getSecret());
    }

    /** The template that serves a label: a configured one first, then a dynamic {@code tt-<os>} one. */
    public TtAgentTemplate templateFor(Label label) {
        if (label == null) {
            return null;
        }
        for (TtAgentTemplate t : templates) {
            if (label.matches(Label.parse(t.getLabelString()))) {
                return t;
            }
        }
        if (dynamicLabels && label instanceof LabelAtom) {
            return TtLabel.parse(label.getName()).map(d -> TtAgentTemplate.dynamic(label.getName(), d))
                    .filter(t -> poolImages().serves(t.spec(), ImageName.hostArch()).orElse(true)).orElse(null);
        }
        return null;
    }

    /** The pool's images as last seen (refreshed in the background every 30 s at most). */
    private synchronized PoolImages poolImages() {
        if (poolImages == null) {
            poolImages = new PoolImages(() -> backend().status().images(), TimeUnit.SECONDS.toNanos(30),
                    Computer.threadPoolForRemoting, System::nanoTime);
        }
        return poolImages;
    }

    @Override
    public boolean canProvision(CloudState state) {
        return templateFor(state.getLabel()) != null;
    }

    @Override
    public synchronized Collection<PlannedNode> provision(CloudState state, int excessWorkload) {
        TtAgentTemplate t = templateFor(state.getLabel());
        if (t == null || !healthyNow(state.getLabel())) {
            return List.of();
        }
        Map<String, String> nodes = nodeLabels();
        int start = ProvisionPlanner.agentsToStart(new ProvisionPlanner.Demand(excessWorkload, t.getNumExecutors(), 0,
                pending().count(t.getLabelString(), nodes), t.getInstanceCap(), pending().count(null, nodes),
                instanceCap));
        List<PlannedNode> planned = new ArrayList<>();
        String instanceId = Jenkins.get().getLegacyInstanceId();
        for (int i = 0; i < start; i++) {
            String nodeName = AgentNames.envName(instanceId, t.getLabelString(), nextSerial());
            pending().started(nodeName, t.getLabelString());
            LOGGER.log(Level.INFO, "TT cloud {0}: starting agent {1} for label {2}", new Object[] {name, nodeName,
                    t.getLabelString()});
            Future<Node> agent = CompletableFuture.supplyAsync(() -> newAgent(nodeName, t), Computer.threadPoolForRemoting)
                    .whenComplete((node, error) -> reviewSoon(state.getLabel()));
            planned.add(new TtPlannedNode(nodeName, agent, t.getNumExecutors(), pending()));
        }
        return planned;
    }

    /**
     * Whether provisioning may go on now. After failures it waits, or checks the backend with one
     * cheap call in the background and asks for a review as soon as the backend answers (see
     * {@link ProvisioningHealth}), so this never blocks on the network.
     */
    private boolean healthyNow(Label label) {
        ProvisioningHealth.Next next = health().next();
        if (next == ProvisioningHealth.Next.PROBE) {
            Computer.threadPoolForRemoting.submit(() -> {
                try {
                    backend().withReadTimeout(PROBE_TIMEOUT).envs();
                    LOGGER.log(Level.INFO, "TT cloud {0}: {1}", new Object[] {name, health().probeSucceeded()});
                    reviewSoon(label);
                } catch (IOException e) {
                    health().failed(e).ifPresent(line -> LOGGER.log(Level.WARNING, "TT cloud {0}: {1}",
                            new Object[] {name, line}));
                }
            });
        }
        return next == ProvisioningHealth.Next.PROVISION;
    }

    /** Makes the agent's ENV with a fresh key pair; the launcher waits for it to boot. */
    private Node newAgent(String nodeName, TtAgentTemplate t) {
        try {
            AgentKeys keys = AgentKeys.generate("jenkins-" + nodeName);
            String image = agentVms().create(nodeName, t.spec(), keys.publicKey());
            health().succeeded().ifPresent(line -> LOGGER.log(Level.INFO, "TT cloud {0}: {1}", new Object[] {name, line}));
            return new TtAgent(nodeName, this, t, image, keys);
        } catch (IOException | Descriptor.FormException | RuntimeException e) {
            health().failed(e).ifPresent(line -> LOGGER.log(Level.WARNING, "TT cloud {0}: {1}", new Object[] {name, line}));
            // an AbortException is a failure Jenkins reports without a stack trace
            throw new CompletionException(new AbortException("TT cloud " + name + ": cannot make agent " + nodeName + ": "
                    + e.getMessage()));
        }
    }

    /** What the cloud's page shows while provisioning does not work: the last failure and since when. */
    public String getProvisioningProblem() {
        return health().problem().orElse(null);
    }

    /** Asks Jenkins to add the finished node now rather than at its next periodic review. */
    private static void reviewSoon(Label label) {
        if (label != null) {
            label.nodeProvisioner.suggestReviewNow();
        } else {
            Jenkins.get().unlabeledNodeProvisioner.suggestReviewNow();
        }
    }

    private static long nextSerial() {
        long now = System.currentTimeMillis();
        return SERIAL.updateAndGet(p -> Math.max(p + 1, now));
    }

    synchronized PendingAgents pending() {
        if (pending == null) {
            pending = new PendingAgents();
        }
        return pending;
    }

    private synchronized ProvisioningHealth health() {
        if (health == null) {
            health = new ProvisioningHealth(System::nanoTime, Instant::now);
        }
        return health;
    }

    /** This cloud's live agents: node name to template label. */
    private Map<String, String> nodeLabels() {
        return getAgents().stream().collect(Collectors.toMap(TtAgent::getNodeName, TtAgent::getTemplateLabel));
    }

    /** The live agents of this cloud. */
    public List<TtAgent> getAgents() {
        return Jenkins.get().getNodes().stream().filter(n -> n instanceof TtAgent).map(n -> (TtAgent) n)
                .filter(a -> name.equals(a.getCloudName())).toList();
    }

    /**
     * Deletes the ENVs this Jenkins made for agents that have no node any more, and removes the
     * nodes whose ENV is gone.
     */
    void sweepOrphans(TaskListener listener) throws IOException {
        sweepOrphans(listener, ORPHAN_MIN_AGE);
    }

    /** The sweep, leaving alone ENVs younger than {@code minAge}. */
    void sweepOrphans(TaskListener listener, Duration minAge) throws IOException {
        String prefix = AgentNames.envPrefix(Jenkins.get().getLegacyInstanceId());
        AgentVms vms = agentVms();
        // in this order: ENVs, then agents on their way, then nodes (see OrphanPlanner)
        Map<String, Instant> envs = vms.envs(prefix);
        Set<String> starting = pending().names();
        Map<String, String> nodes = Jenkins.get().getNodes().stream().filter(n -> n instanceof TtAgent)
                .map(n -> (TtAgent) n).collect(Collectors.toMap(TtAgent::getNodeName, TtAgent::getEnvName));
        OrphanPlanner.Sweep sweep = OrphanPlanner.plan(prefix, envs, starting, nodes, Instant.now(), minAge);
        for (String env : sweep.envsToDelete()) {
            listener.getLogger().println("TT cloud " + name + ": deleting ENV " + env + ", which no agent uses");
        }
        vms.deleteAll(sweep.envsToDelete()).forEach((env, why) ->
                listener.error("TT cloud " + name + ": ENV " + env + " could not be deleted (next sweep tries again): "
                        + why));
        for (TtAgent agent : getAgents()) {
            if (sweep.nodesToRemove().contains(agent.getNodeName())) {
                listener.getLogger().println("TT cloud " + name + ": removing agent " + agent.getNodeName()
                        + ", whose ENV is gone");
                Jenkins.get().removeNode(agent);
            }
        }
    }

    /** The TT cloud of that name, or the only TT cloud when no name is given. */
    public static TtCloud named(String cloudName) throws AbortException {
        List<TtCloud> clouds = Jenkins.get().clouds.getAll(TtCloud.class);
        if (cloudName != null && !cloudName.isBlank()) {
            return clouds.stream().filter(c -> c.name.equals(cloudName)).findFirst().orElseThrow(() ->
                    new AbortException("no TT cloud named '" + cloudName + "'; configured: "
                            + clouds.stream().map(c -> c.name).collect(Collectors.joining(", "))));
        }
        if (clouds.size() != 1) {
            throw new AbortException(clouds.isEmpty() ? "no TT cloud is configured: add one in Manage Jenkins > Clouds"
                    : "several TT clouds are configured: say which with cloud: '<name>'");
        }
        return clouds.get(0);
    }

    @Extension
    @Symbol("tt")
    public static class DescriptorImpl extends Descriptor<Cloud> {

        @NonNull
        @Override
        public String getDisplayName() {
            return "TT";
        }

        @POST
        public ListBoxModel doFillCredentialsIdItems(@QueryParameter String credentialsId) {
            if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
                return new StandardListBoxModel().includeCurrentValue(credentialsId);
            }
            return new StandardListBoxModel().includeEmptyValue()
                    .includeMatchingAs(ACL.SYSTEM2, Jenkins.get(), StringCredentials.class, List.of(),
                            CredentialsMatchers.always())
                    .includeCurrentValue(credentialsId);
        }

        @POST
        public FormValidation doCheckServerUrl(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            String url = Util.fixEmptyAndTrim(value);
            if (url == null) {
                return FormValidation.error("Give the tt-backend URL, for example http://tt.example.com:8080");
            }
            try {
                URI uri = URI.create(url);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    return FormValidation.error("Use an http:// or https:// URL with a host name");
                }
            } catch (IllegalArgumentException e) {
                return FormValidation.error("Not a URL: " + e.getMessage());
            }
            return FormValidation.ok();
        }

        @POST
        public FormValidation doTestConnection(@QueryParameter String serverUrl, @QueryParameter String credentialsId,
                                               @QueryParameter String fingerprint) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            String url = Util.fixEmptyAndTrim(serverUrl);
            String pin = Util.fixEmptyAndTrim(fingerprint);
            if (url == null) {
                return FormValidation.error("Enter the backend URL first");
            }
            try {
                BackendClient client = BackendTrust.client(url, token(Util.fixEmptyAndTrim(credentialsId)), pin);
                PoolStatus status = client.status();
                long online = status.hosts().stream().filter(HostStatus::online).count();
                client.envs();
                return FormValidation.ok("Connected to TT " + status.version() + ": " + online + " of "
                        + status.hosts().size() + " hosts online, images: " + String.join(", ", status.images()));
            } catch (IOException e) {
                return FormValidation.error(BackendTrust.explain(url, pin, e));
            } catch (RuntimeException e) {
                return FormValidation.error("Cannot use the TT backend: " + e.getMessage());
            }
        }

        @POST
        public FormValidation doCheckFingerprint(@QueryParameter String value) {
            String pin = Util.fixEmptyAndTrim(value);
            if (pin == null) {
                return FormValidation.ok();
            }
            try {
                CertFingerprint.parse(pin);
                return FormValidation.ok();
            } catch (IllegalArgumentException e) {
                return FormValidation.error(e.getMessage());
            }
        }

        @POST
        public FormValidation doCheckConnectTimeoutSeconds(@QueryParameter String value) {
            return FormValidation.validatePositiveInteger(value);
        }
    }
}
