package tt.jenkins.plugin;

import hudson.AbortException;
import hudson.model.TaskListener;
import hudson.remoting.Channel;
import hudson.slaves.ComputerLauncher;
import hudson.slaves.SlaveComputer;
import hudson.util.StreamTaskListener;
import jenkins.model.Jenkins;
import tt.jenkins.AgentBootstrap;
import tt.jenkins.AgentVms;
import tt.jenkins.LaunchLog;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts a TT agent: waits until its VM is up, then SSH (retried until sshd answers), Java
 * checked, the controller's agent.jar uploaded and started, its stdin/stdout made the channel. A
 * failure ends the node and deletes its VM, with the reason in the agent log.
 */
public class TtLauncher extends ComputerLauncher {

    private static final Logger LOGGER = Logger.getLogger(TtLauncher.class.getName());

    @Override
    public void launch(SlaveComputer computer, TaskListener listener) throws IOException, InterruptedException {
        if (!(computer instanceof TtComputer ttComputer) || ttComputer.getNode() == null) {
            throw new AbortException("tt: " + computer.getName() + " is not a TT agent");
        }
        TtAgent agent = ttComputer.getNode();
        // every line of the launch log, Jenkins' own too, says how long the launch has taken so far
        TaskListener timed = new StreamTaskListener(new LaunchLog(listener.getLogger(), System::nanoTime),
                StandardCharsets.UTF_8);
        PrintStream log = timed.getLogger();
        try {
            TtCloud cloud = agent.getCloud();
            if (cloud == null) {
                throw new AbortException("the TT cloud '" + agent.getCloudName() + "' is no longer configured");
            }
            Duration timeout = Duration.ofSeconds(agent.getConnectTimeoutSeconds());
            log.println("tt: waiting for ENV " + agent.getEnvName() + " (" + agent.getImage() + ") to boot");
            AgentVms.ReadyVm vm = cloud.agentVms().awaitReady(agent.getEnvName(), timeout);
            agent.setReadyVm(vm);
            log.println("tt: VM " + vm.vmName() + " is up on host " + vm.host() + ", SSH at " + agent.getSshAddress());
            byte[] agentJar = Jenkins.get().getJnlpJars("agent.jar").readFully();
            AgentBootstrap.RunningAgent running = new AgentBootstrap(agent.privateKey(), timeout)
                    .launch(vm.ssh(), agentJar, agent.getRemoteFS(), agent.getJvmOptions(), log);
            try {
                computer.setChannel(running.stdout(), running.stdin(), timed, new Channel.Listener() {
                    @Override
                    public void onClosed(Channel channel, IOException cause) {
                        running.close();
                    }
                });
            } catch (IOException | InterruptedException | RuntimeException e) {
                running.close();
                throw e;
            }
            LOGGER.log(Level.INFO, "TT agent {0} is online (ENV {1}, host {2})",
                    new Object[] {agent.getNodeName(), agent.getEnvName(), vm.host()});
        } catch (InterruptedException e) {
            timed.error("tt: launching agent " + agent.getNodeName() + " was interrupted; deleting its VM");
            agent.terminate();
            throw e;
        } catch (IOException | RuntimeException e) {
            e.printStackTrace(timed.error("tt: agent " + agent.getNodeName() + " could not start: " + e.getMessage()
                    + "; deleting its VM"));
            LOGGER.log(Level.WARNING, "TT agent " + agent.getNodeName() + " could not start; terminating it", e);
            agent.terminate();
            throw new AbortException("tt: agent " + agent.getNodeName() + " could not start: " + e.getMessage());
        }
    }
}
