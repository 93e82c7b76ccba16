package tt.jenkins.plugin;

import hudson.Extension;
import hudson.model.Label;
import hudson.model.Queue;
import hudson.model.queue.QueueListener;
import hudson.slaves.Cloud;
import jenkins.model.Jenkins;

/**
 * Asks Jenkins to provision as soon as a build for a TT label becomes buildable, instead of at
 * the node provisioner's next periodic review (every 10 s by default).
 */
@Extension
public class TtQueueListener extends QueueListener {

    @Override
    public void onEnterBuildable(Queue.BuildableItem item) {
        Label label = item.getAssignedLabel();
        if (label == null) {
            return;
        }
        Cloud.CloudState state = new Cloud.CloudState(label, 0);
        for (TtCloud cloud : Jenkins.get().clouds.getAll(TtCloud.class)) {
            if (cloud.canProvision(state)) {
                label.nodeProvisioner.suggestReviewNow();
                return;
            }
        }
    }
}
