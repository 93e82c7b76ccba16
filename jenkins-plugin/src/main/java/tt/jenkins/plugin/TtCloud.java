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
import tt.api.ImageName;
import tt.client.BackendClient;
import tt.jenkins.AgentKeys;
import tt.jenkins.AgentNames;
import tt.jenkins.AgentProvisioner;
import tt.jenkins.AgentVms;
import tt.jenkins.BackendTrust;
import tt.jenkins.BackendUrl;
import tt.jenkins.CloudChoice;
import tt.jenkins.CloudLog;
import tt.jenkins.OrphanSweep;
import tt.jenkins.PendingAgents;
import tt.jenkins.PoolImages;
import tt.jenkins.TtLabel;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * A TT pool as a Jenkins cloud: labels of its templates, and the dynamic labels ({@code tt-<os>},
 * {@code tt-image:<image>}, with optional sizes, see {@link TtLabel}), get fresh VMs as SSH
 * agents. The decisions are made by the plain classes of tt-jenkins-core ({@link AgentProvisioner},
 * {@link OrphanSweep} and the others); this class only ties them to Jenkins.
 */
public class TtCloud extends Cloud {

    private static final Logger LOGGER = Logger.getLogger(TtCloud.class.getName());
    static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 300;
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
    /** Which agents to start, the agents on their way, and whether provisioning works now. */
    private transient AgentProvisioner provisioner;
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
        provisioner().renewLeases(agentVms(), getAgents().stream().map(TtAgent::getEnvName).toList(),
                taskLog(listener));
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
        if (t == null) {
            return List.of();
        }
        List<PlannedNode> planned = new ArrayList<>();
        for (String nodeName : provisioner().agentsToStart(new AgentProvisioner.Template(t.getLabelString(),
                t.getNumExecutors(), t.getInstanceCap()), excessWorkload, nodeLabels(), instanceCap,
                () -> reviewSoon(state.getLabel()))) {
            Future<Node> agent = CompletableFuture.supplyAsync(() -> newAgent(nodeName, t), Computer.threadPoolForRemoting)
                    .whenComplete((node, error) -> reviewSoon(state.getLabel()));
            planned.add(new TtPlannedNode(nodeName, agent, t.getNumExecutors(), pending()));
        }
        return planned;
    }

    /** Makes the agent's ENV with a fresh key pair; the launcher waits for it to boot. */
    private Node newAgent(String nodeName, TtAgentTemplate t) {
        try {
            AgentKeys keys = AgentKeys.generate("jenkins-" + nodeName);
            String image = agentVms().create(nodeName, t.spec(), keys.publicKey());
            provisioner().envMade();
            return new TtAgent(nodeName, this, t, image, keys);
        } catch (IOException | Descriptor.FormException | RuntimeException e) {
            // an AbortException is a failure Jenkins reports without a stack trace
            throw new CompletionException(new AbortException("TT cloud " + name + ": "
                    + provisioner().agentFailed(nodeName, e)));
        }
    }

    /** What the cloud's page shows while provisioning does not work: the last failure and since when. */
    public String getProvisioningProblem() {
        return provisioner().problem();
    }

    /** Asks Jenkins to add the finished node now rather than at its next periodic review. */
    private static void reviewSoon(Label label) {
        if (label != null) {
            label.nodeProvisioner.suggestReviewNow();
        } else {
            Jenkins.get().unlabeledNodeProvisioner.suggestReviewNow();
        }
    }

    /**
     * The provisioner; its probe, when provisioning is paused, is one cheap call in the background,
     * so that {@link #provision} never blocks on the network.
     */
    private synchronized AgentProvisioner provisioner() {
        if (provisioner == null) {
            provisioner = new AgentProvisioner(Jenkins.get().getLegacyInstanceId(),
                    () -> backend().withReadTimeout(PROBE_TIMEOUT).envs(), Computer.threadPoolForRemoting,
                    controllerLog(), System::nanoTime, Clock.systemUTC());
        }
        return provisioner;
    }

    PendingAgents pending() {
        return provisioner().pending();
    }

    /** This cloud's lines in the controller's log. */
    private CloudLog controllerLog() {
        return new CloudLog() {
            @Override
            public void info(String line) {
                LOGGER.log(Level.INFO, "TT cloud {0}: {1}", new Object[] {name, line});
            }

            @Override
            public void warning(String line) {
                LOGGER.log(Level.WARNING, "TT cloud {0}: {1}", new Object[] {name, line});
            }
        };
    }

    /** This cloud's lines in the log of a periodic task. */
    private CloudLog taskLog(TaskListener listener) {
        return new CloudLog() {
            @Override
            public void info(String line) {
                listener.getLogger().println("TT cloud " + name + ": " + line);
            }

            @Override
            public void warning(String line) {
                listener.error("TT cloud " + name + ": " + line);
            }
        };
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
        sweepOrphans(listener, OrphanSweep.MIN_AGE);
    }

    /** The sweep, leaving alone ENVs younger than {@code minAge}. */
    void sweepOrphans(TaskListener listener, Duration minAge) throws IOException {
        List<String> envGone = new OrphanSweep(agentVms(), AgentNames.envPrefix(Jenkins.get().getLegacyInstanceId()),
                Clock.systemUTC()).run(() -> pending().names(), () -> Jenkins.get().getNodes().stream()
                        .filter(n -> n instanceof TtAgent).map(n -> (TtAgent) n)
                        .collect(Collectors.toMap(TtAgent::getNodeName, TtAgent::getEnvName)),
                minAge, taskLog(listener));
        for (TtAgent agent : getAgents()) {
            if (envGone.contains(agent.getNodeName())) {
                listener.getLogger().println("TT cloud " + name + ": removing agent " + agent.getNodeName()
                        + ", whose ENV is gone");
                Jenkins.get().removeNode(agent);
            }
        }
    }

    /** The TT cloud of that name, or the only TT cloud when no name is given. */
    public static TtCloud named(String cloudName) throws AbortException {
        List<TtCloud> clouds = Jenkins.get().clouds.getAll(TtCloud.class);
        try {
            return clouds.get(CloudChoice.choose(cloudName, clouds.stream().map(c -> c.name).toList()));
        } catch (IllegalArgumentException e) {
            throw new AbortException(e.getMessage());
        }
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
            return BackendUrl.problem(value).map(FormValidation::error).orElse(FormValidation.ok());
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
                return FormValidation.ok(BackendTrust.testConnection(BackendTrust.client(url,
                        token(Util.fixEmptyAndTrim(credentialsId)), pin)));
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
