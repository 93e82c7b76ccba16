package tt.jenkins.plugin;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.model.TaskListener;
import hudson.slaves.AbstractCloudSlave;
import hudson.slaves.Cloud;
import hudson.util.Secret;
import jenkins.model.Jenkins;
import tt.jenkins.AgentKeys;
import tt.jenkins.AgentVms;

import java.io.IOException;
import java.io.Serial;
import java.nio.charset.StandardCharsets;

/**
 * A Jenkins agent on a TT VM: one ENV of one VM, named like the node. Terminating the node
 * deletes the ENV. The VM's private key is kept encrypted with the node.
 */
public class TtAgent extends AbstractCloudSlave {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String cloudName;
    private final String templateLabel;
    private final String image;
    private final Secret privateKey;
    private final String jvmOptions;
    private final int connectTimeoutSeconds;
    private transient volatile AgentVms.ReadyVm vm;
    /** Set by the first termination: the launcher's failure path and the retention strategy may both end it. */
    private transient boolean terminated;

    public TtAgent(String name, TtCloud cloud, TtAgentTemplate template, String image, AgentKeys keys)
            throws Descriptor.FormException, IOException {
        super(name, template.getRemoteFs(), new TtLauncher());
        this.cloudName = cloud.name;
        this.templateLabel = template.getLabelString();
        this.image = image;
        this.privateKey = Secret.fromString(new String(keys.privateKey(), StandardCharsets.US_ASCII));
        this.jvmOptions = template.getJvmOptions();
        this.connectTimeoutSeconds = cloud.getConnectTimeoutSeconds();
        setNodeDescription("TT VM of " + image + " from the cloud " + cloud.name);
        setNumExecutors(template.getNumExecutors());
        setMode(Mode.EXCLUSIVE);
        setLabelString(template.getLabelString());
        setRetentionStrategy(new TtRetentionStrategy(template.isOneShot(), template.getIdleMinutes(),
                cloud.getConnectTimeoutSeconds()));
    }

    public String getCloudName() {
        return cloudName;
    }

    /** The agent's ENV, which is named like the node. */
    public String getEnvName() {
        return getNodeName();
    }

    public String getTemplateLabel() {
        return templateLabel;
    }

    public String getImage() {
        return image;
    }

    /** The TT host the VM runs on, once it is up. */
    public String getHost() {
        AgentVms.ReadyVm v = vm;
        return v == null ? null : v.host();
    }

    /** host:port of the VM's forwarded SSH server, once it is up. */
    public String getSshAddress() {
        AgentVms.ReadyVm v = vm;
        return v == null ? null : v.ssh().host() + ":" + v.ssh().port();
    }

    String getJvmOptions() {
        return jvmOptions;
    }

    int getConnectTimeoutSeconds() {
        return connectTimeoutSeconds;
    }

    byte[] privateKey() {
        return privateKey.getPlainText().getBytes(StandardCharsets.US_ASCII);
    }

    /** Keeps the agent's VM, found up by the launcher: {@link #getHost()} and {@link #getSshAddress()} tell of it. */
    void setReadyVm(AgentVms.ReadyVm readyVm) {
        this.vm = readyVm;
    }

    /** The cloud this agent came from, or null when it is no longer configured. */
    public TtCloud getCloud() {
        Cloud c = Jenkins.get().getCloud(cloudName);
        return c instanceof TtCloud tt ? tt : null;
    }

    /** True the first time only. */
    private synchronized boolean terminatedOnce() {
        boolean first = !terminated;
        terminated = true;
        return first;
    }

    @Override
    public TtComputer createComputer() {
        return new TtComputer(this);
    }

    @Override
    protected void _terminate(TaskListener listener) throws IOException {
        if (!terminatedOnce()) {
            listener.getLogger().println("tt: agent " + getNodeName() + " is already being ended");
            return;
        }
        TtCloud cloud = getCloud();
        if (cloud == null) {
            listener.error("tt: the cloud '" + cloudName + "' is gone; ENV " + getEnvName()
                    + " is left for its lifetime (delete it with: tt env del " + getEnvName() + ")");
            return;
        }
        cloud.agentVms().delete(getEnvName());
        listener.getLogger().println("tt: deleted ENV " + getEnvName() + " of agent " + getNodeName());
    }

    @Extension
    public static final class DescriptorImpl extends SlaveDescriptor {

        @NonNull
        @Override
        public String getDisplayName() {
            return "TT agent";
        }

        @Override
        public boolean isInstantiable() {
            return false;
        }
    }
}
