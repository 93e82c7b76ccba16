import tt.pipeline.TtEnvOptions

/**
 * ttEnv(os: ['centos', 'ubuntu2004']) { os -> ... }: runs the body once per OS (or per image
 * matched, with perImage: true), in parallel, each on a fresh one-shot TT agent, then prints which
 * passed and which failed.
 */
def call(Map args = [:], Closure body) {
    TtEnvOptions opts = TtEnvOptions.forAgents(args)
    List<String> targets = opts.perImage ? ttImages(opts.cloud == null ? [os: opts.os] : [os: opts.os, cloud: opts.cloud])
            : opts.os
    Map results = [:]
    Map branches = [:]
    for (String t : targets) {
        String target = t
        String label = opts.perImage ? opts.imageLabel(target) : opts.osLabel(target)
        branches[target] = {
            try {
                timeout(time: opts.timeoutMinutes, unit: 'MINUTES') {
                    node(label) {
                        body(target)
                    }
                }
                results[target] = 'passed'
            } catch (InterruptedException e) {
                results[target] = 'aborted'
                throw e
            } catch (Exception e) {
                results[target] = 'failed: ' + e.message
                throw e
            }
        }
    }
    branches.failFast = opts.failFast
    try {
        parallel branches
    } finally {
        echo TtEnvOptions.summary(targets, results)
    }
}

/**
 * ttEnv.run(os: ['centos', 'ubuntu2004'], cmd: 'uname -a'): without agents, makes an ENV, runs
 * the command on all its VMs (each VM's output printed under its name), deletes the ENV in every
 * case, and fails if the command failed on any VM. Returns each VM's result.
 */
def run(Map args) {
    TtEnvOptions opts = TtEnvOptions.forRun(args)
    Map env = ttEnvCreate(opts.createArgs())
    try {
        Map runArgs = [name: env.name, cmd: opts.cmd, timeoutSeconds: opts.timeoutSeconds, failOnError: false]
        if (opts.cloud != null) {
            runArgs.cloud = opts.cloud
        }
        List results = ttEnvRun(runArgs)
        List<String> failed = []
        for (Map r : results) {
            if (r.exitCode != 0 || r.error) {
                failed << "${r.vm} (${r.error ? 'could not run: ' + r.error : 'exit ' + r.exitCode})".toString()
            }
        }
        if (!failed.isEmpty()) {
            error "ttEnv.run: '${opts.cmd}' failed on ${failed.join(', ')}"
        }
        return results
    } finally {
        ttEnvDelete(opts.cloud == null ? [name: env.name] : [name: env.name, cloud: opts.cloud])
    }
}
