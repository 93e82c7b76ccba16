package tt.jenkins.plugin;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.Util;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;
import tt.jenkins.AgentBootstrap;
import tt.jenkins.AgentVms;
import tt.jenkins.TtLabel;

/**
 * What agents of a label are: the VM (OS prefix or exact image, size) and the agent on it
 * (executors, remote folder, JVM options, how long it may idle, one build only or not).
 */
public class TtAgentTemplate implements Describable<TtAgentTemplate> {

    static final String DEFAULT_REMOTE_FS = AgentBootstrap.DEFAULT_REMOTE_DIR;
    static final int DEFAULT_LIFETIME_MINUTES = 1440;
    /** Room for a workspace: Jenkins takes an agent offline under 1 GiB free (a thin disk costs only what is written). */
    static final int DEFAULT_DISK_MIB = 8192;

    private final String labelString;
    private String osPrefix;
    private String image;
    private String arch;
    private int cpu = 1;
    private int memMib = 1024;
    private int diskMib = DEFAULT_DISK_MIB;
    private int numExecutors = 1;
    private String remoteFs = DEFAULT_REMOTE_FS;
    private String jvmOptions = AgentBootstrap.DEFAULT_JVM_OPTIONS;
    private int idleMinutes = 1;
    private boolean oneShot = true;
    private int instanceCap;
    private int lifetimeMinutes = DEFAULT_LIFETIME_MINUTES;

    @DataBoundConstructor
    public TtAgentTemplate(String labelString) {
        this.labelString = Util.fixEmptyAndTrim(labelString);
    }

    /** The template behind a dynamic label: one-shot agents, sized as the label says or by default. */
    static TtAgentTemplate dynamic(String label, TtLabel.Dynamic d) {
        TtAgentTemplate t = new TtAgentTemplate(label);
        t.setOsPrefix(d.osPrefix());
        t.setImage(d.image());
        t.setArch(d.arch());
        if (d.cpu() != null) {
            t.setCpu(d.cpu());
        }
        if (d.memMib() != null) {
            t.setMemMib(d.memMib());
        }
        if (d.diskMib() != null) {
            t.setDiskMib(d.diskMib());
        }
        return t;
    }

    /** The VM this template asks TT for. */
    AgentVms.Spec spec() {
        return new AgentVms.Spec(osPrefix, image, arch, cpu, memMib, diskMib, lifetimeMinutes);
    }

    public String getLabelString() {
        return labelString;
    }

    public String getOsPrefix() {
        return osPrefix;
    }

    @DataBoundSetter
    public void setOsPrefix(String osPrefix) {
        this.osPrefix = Util.fixEmptyAndTrim(osPrefix);
    }

    public String getImage() {
        return image;
    }

    @DataBoundSetter
    public void setImage(String image) {
        this.image = Util.fixEmptyAndTrim(image);
    }

    public String getArch() {
        return arch;
    }

    @DataBoundSetter
    public void setArch(String arch) {
        this.arch = Util.fixEmptyAndTrim(arch);
    }

    public int getCpu() {
        return cpu;
    }

    @DataBoundSetter
    public void setCpu(int cpu) {
        this.cpu = Math.max(1, cpu);
    }

    public int getMemMib() {
        return memMib;
    }

    @DataBoundSetter
    public void setMemMib(int memMib) {
        this.memMib = memMib > 0 ? memMib : 1024;
    }

    public int getDiskMib() {
        return diskMib;
    }

    @DataBoundSetter
    public void setDiskMib(int diskMib) {
        this.diskMib = diskMib > 0 ? diskMib : DEFAULT_DISK_MIB;
    }

    public int getNumExecutors() {
        return numExecutors;
    }

    @DataBoundSetter
    public void setNumExecutors(int numExecutors) {
        this.numExecutors = Math.max(1, numExecutors);
    }

    public String getRemoteFs() {
        return remoteFs;
    }

    @DataBoundSetter
    public void setRemoteFs(String remoteFs) {
        String fs = Util.fixEmptyAndTrim(remoteFs);
        this.remoteFs = fs == null ? DEFAULT_REMOTE_FS : fs;
    }

    public String getJvmOptions() {
        return jvmOptions;
    }

    @DataBoundSetter
    public void setJvmOptions(String jvmOptions) {
        this.jvmOptions = Util.fixEmptyAndTrim(jvmOptions);
    }

    /** Fields a configuration saved by an older version lacks get their defaults (XStream runs no initializers). */
    protected Object readResolve() {
        if (diskMib <= 0) {
            diskMib = DEFAULT_DISK_MIB;
        }
        return this;
    }

    @Override
    @SuppressWarnings("unchecked") // Jenkins keeps one descriptor per class, this class's own
    public Descriptor<TtAgentTemplate> getDescriptor() {
        return Jenkins.get().getDescriptorOrDie(getClass());
    }

    public int getIdleMinutes() {
        return idleMinutes;
    }

    @DataBoundSetter
    public void setIdleMinutes(int idleMinutes) {
        this.idleMinutes = Math.max(0, idleMinutes);
    }

    public boolean isOneShot() {
        return oneShot;
    }

    @DataBoundSetter
    public void setOneShot(boolean oneShot) {
        this.oneShot = oneShot;
    }

    public int getInstanceCap() {
        return instanceCap;
    }

    @DataBoundSetter
    public void setInstanceCap(int instanceCap) {
        this.instanceCap = Math.max(0, instanceCap);
    }

    public int getLifetimeMinutes() {
        return lifetimeMinutes;
    }

    @DataBoundSetter
    public void setLifetimeMinutes(int lifetimeMinutes) {
        this.lifetimeMinutes = lifetimeMinutes > 0 ? lifetimeMinutes : DEFAULT_LIFETIME_MINUTES;
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<TtAgentTemplate> {

        @NonNull
        @Override
        public String getDisplayName() {
            return "TT agent template";
        }

        @POST
        public FormValidation doCheckLabelString(@QueryParameter String value) {
            return Util.fixEmptyAndTrim(value) == null ? FormValidation.error("Give the label builds ask for")
                    : FormValidation.ok();
        }

        @POST
        public FormValidation doCheckImage(@QueryParameter String image, @QueryParameter String osPrefix) {
            boolean hasImage = Util.fixEmptyAndTrim(image) != null;
            boolean hasOs = Util.fixEmptyAndTrim(osPrefix) != null;
            return hasImage == hasOs ? FormValidation.error("Give either an OS prefix or an exact image, not both")
                    : FormValidation.ok();
        }

        @POST
        public FormValidation doCheckRemoteFs(@QueryParameter String value) {
            String fs = Util.fixEmptyAndTrim(value);
            if (fs == null) {
                return FormValidation.ok();
            }
            try {
                AgentBootstrap.checkRemoteDir(fs);
                return FormValidation.ok();
            } catch (IllegalArgumentException e) {
                return FormValidation.error(e.getMessage());
            }
        }
    }
}
